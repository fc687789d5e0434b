"""Records that read well, as a coordinator and the agency meet them in Chromium: escalating
a barrier with a request the agency reads, a decision that resolves its barrier, a change
history in local time with names and labels, and dates the Danish way in English too."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Barrier, BarrierStatus, Decision, Project
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = "Smartmail – udbredelse"
DANISH_TIME = re.compile(r"\d{1,2}\. [a-zæøå]+ \d{4} kl\. \d{2}\.\d{2}")
US_DATE = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\. \d{1,2}, \d{4}"
    r"|\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December) \d{1,2}, \d{4}"
    r"|\b\d{1,2}:\d{2} ?[ap]\.?m\b",
    re.IGNORECASE,
)


def project_page(page, title: str = PROJECT):
    project = Project.objects.get(title=title)
    page.goto(f"/projects/{project.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return project


def both_widths(new_page, screenshot, username: str, path: str, name: str):
    """The page at a phone's width too, as the person would open it there."""
    narrow = new_page(360)
    log_in(narrow, username)
    narrow.goto(path)
    screenshot(narrow, f"{name}-360")
    return narrow


def test_a_coordinator_escalates_with_a_request_the_agency_reads(demo, new_page, screenshot):
    page = new_page()
    log_in(page, "norddjurs-koordinator")
    project = project_page(page)
    barrier = Barrier.objects.open().filter(project=project, escalated=False).first()
    card = page.locator(f"article[aria-labelledby='barrier-{barrier.pk}']")
    card.get_by_role("link", name=re.compile("^Eskalér til styrelsen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Eskalér til styrelsen: {barrier.title}"
    )
    screenshot(page, "escalate-form-1280")
    both_widths(new_page, screenshot, "norddjurs-koordinator", page.url, "escalate-form")

    # Nothing said: nothing is escalated, and the form says what is missing.
    page.get_by_role("button", name="Eskalér til styrelsen").click()
    expect(page.get_by_text("Intet blev gemt.")).to_be_visible()
    request = page.get_by_label("Hvad bedes styrelsen om?")
    expect(request).to_have_attribute("aria-invalid", "true")
    request.fill("Vi beder styrelsen formidle kontakt til kommuner med samme databehandleraftale.")
    screenshot(page, "escalate-form-filled-1280")
    page.get_by_role("button", name="Eskalér til styrelsen").click()
    expect(page.get_by_text("Barrieren er eskaleret til styrelsen.")).to_be_visible()

    # The project page: on the barrier, and as its own event on the timeline.
    expect(card.get_by_text("samme databehandleraftale")).to_be_visible()
    expect(card.get_by_role("link", name=re.compile("^Eskalér til styrelsen"))).to_have_count(0)
    event = page.locator(f"#barrier_escalated-{barrier.pk}")
    expect(event).to_contain_text("Eskaleret til styrelsen")
    expect(event).to_contain_text("samme databehandleraftale")
    expect(event).to_contain_text("Eskaleret af Karen Kristensen")
    screenshot(page, "project-escalated-1280")
    both_widths(new_page, screenshot, "norddjurs-koordinator", page.url, "project-escalated")

    # The agency reads the request on its dashboard and follows it to the barrier.
    agency = new_page()
    log_in(agency, "ds-reviewer")
    agency.goto("/dashboard/")
    escalated = agency.locator("section[aria-labelledby='escalated-heading']")
    expect(
        escalated.get_by_role("heading", name="Barrierer eskaleret til styrelsen")
    ).to_be_visible()
    item = escalated.locator("li").filter(has_text="samme databehandleraftale")
    expect(item).to_contain_text(PROJECT)
    expect(item).to_contain_text("af Karen Kristensen")
    screenshot(agency, "dashboard-1280")
    both_widths(new_page, screenshot, "ds-reviewer", "/dashboard/", "dashboard")
    item.get_by_role("link", name=barrier.title).click()
    expect(agency.get_by_role("heading", level=1)).to_have_text(PROJECT)
    assert agency.url.endswith(f"#barrier-{barrier.pk}")
    expect(agency.locator(f"#barrier-{barrier.pk}")).to_be_in_viewport()

    barrier.refresh_from_db()
    assert barrier.escalated and barrier.escalated_by.username == "norddjurs-koordinator"


def test_a_decision_resolves_its_barrier_without_typing_it_twice(demo, new_page, screenshot):
    page = new_page()
    log_in(page, "norddjurs-koordinator")
    project = project_page(page)
    barrier = Barrier.objects.open().filter(project=project).first()

    page.get_by_role("link", name="Ny beslutning").click()
    page.get_by_label("Titel").fill("Driftsaftale med leverandøren")
    page.get_by_label("Type").select_option(label="Leverandør")
    page.get_by_label("Hvad der blev besluttet").fill(
        "Leverandøren overtager driften efter en fælles aftale for alle kommunerne."
    )
    page.get_by_label(barrier.title, exact=True).check()
    page.get_by_label("Denne beslutning løser barrieren").check()
    screenshot(page, "decision-form-1280")
    both_widths(new_page, screenshot, "norddjurs-koordinator", page.url, "decision-form")
    page.get_by_role("button", name="Gem beslutning").click()
    expect(page.get_by_text("barrieren, den løser, er markeret som løst")).to_be_visible()

    # Off the open barriers; on the timeline once, as resolved by the decision.
    expect(page.locator(f"article[aria-labelledby='barrier-{barrier.pk}']")).to_have_count(0)
    decision = Decision.objects.get(project=project, title="Driftsaftale med leverandøren")
    resolved = page.locator(f"#barrier_resolved-{barrier.pk}")
    expect(resolved).to_contain_text("Løst ved beslutningen “Driftsaftale med leverandøren”")
    expect(page.locator(f"#decision-{decision.pk}")).to_contain_text("Beslutning · Leverandør")
    resolved.scroll_into_view_if_needed()
    screenshot(page, "project-resolved-1280")
    both_widths(new_page, screenshot, "norddjurs-koordinator", page.url, "project-resolved")
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.RESOLVED
    assert barrier.resolution == decision.description

    # A second decision cannot resolve it again, and says why.
    page.get_by_role("link", name="Ny beslutning").click()
    page.get_by_label("Titel").fill("Opfølgning på driftsaftalen")
    page.get_by_label("Hvad der blev besluttet").fill("Aftalen evalueres efter et år.")
    page.get_by_label(barrier.title, exact=True).check()
    page.get_by_label("Denne beslutning løser barrieren").check()
    page.get_by_role("button", name="Gem beslutning").click()
    expect(page.get_by_text(f"“{barrier.title}” er allerede løst.")).to_be_visible()
    screenshot(page, "decision-refused-1280")
    assert not Decision.objects.filter(title="Opfølgning på driftsaftalen").exists()


def test_the_change_history_reads_well_in_danish_and_english(demo, new_page, screenshot):
    page = new_page()
    log_in(page, "norddjurs-koordinator")
    project = project_page(page)
    barrier = Barrier.objects.open().filter(project=project).first()
    page.goto(f"/projects/{project.pk}/barriers/{barrier.pk}/edit/")
    page.get_by_label("Alvorlighed").select_option(label="Kritisk")
    page.get_by_label("Eskaleret til styrelsen").check()
    page.get_by_label("Hvad styrelsen bedes om").fill("Vurdér aftalegrundlaget.")
    page.get_by_role("button", name="Gem barriere").click()
    expect(page.get_by_text("Barrieren er gemt.")).to_be_visible()

    page.get_by_role("link", name="Ændringshistorik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ændringshistorik")
    change = page.locator("article").first
    expect(change).to_contain_text(DANISH_TIME)
    expect(change).to_contain_text("Karen Kristensen")
    expect(change.get_by_role("row", name=re.compile("^Alvorlighed"))).to_contain_text("Kritisk")
    expect(change.get_by_role("row", name=re.compile("^Eskaleret af"))).to_contain_text(
        "Karen Kristensen"
    )
    main = page.locator("main").inner_text()
    assert "norddjurs-koordinator" not in main
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+|\bNone\b|\bID\b|Version", main)
    screenshot(page, "history-1280")
    both_widths(new_page, screenshot, "norddjurs-koordinator", page.url, "history")

    # The same in English: English labels, dates day before month, no American dates.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change history")
    change = page.locator("article").first
    expect(change).to_contain_text(re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}"))
    expect(change.get_by_role("row", name=re.compile("^Severity"))).to_contain_text("Critical")
    screenshot(page, "history-en-1280")
    for path in (f"/projects/{project.pk}/history/", f"/projects/{project.pk}/", "/projects/"):
        page.goto(path)
        text = page.locator("main").inner_text()
        assert not US_DATE.search(text), (path, US_DATE.search(text).group())
    page.goto(f"/projects/{project.pk}/")
    expect(page.locator("ol.timeline time").first).to_have_text(re.compile(r"^\d{1,2} [A-Z]"))
    screenshot(page, "project-en-1280")
    narrow = new_page(360)
    log_in(narrow, "norddjurs-koordinator")
    narrow.get_by_role("button", name="Vis menu").click()
    narrow.get_by_role("button", name="English").click()
    expect(narrow.locator("html")).to_have_attribute("lang", "en")
    narrow.goto(f"/projects/{project.pk}/history/")
    assert not US_DATE.search(narrow.locator("main").inner_text())
    screenshot(narrow, "history-en-360")
