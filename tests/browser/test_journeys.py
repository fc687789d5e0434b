"""The main journeys, as a person would take them in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Barrier, LessonLearned, Phase, Project, ReviewNote, StatusUpdate
from tests import factories
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def open_project(page, title: str):
    page.get_by_label("Søg").fill(title)
    page.get_by_role("button", name="Vis projekter").click()
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_coordinator_logs_progress_and_shares_a_lesson(demo, new_page, screenshot):
    page = new_page()
    log_in(page, "norddjurs-koordinator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine projekter")
    open_project(page, "Smartmail – udbredelse")
    screenshot(page, "project")
    project = Project.objects.get(title="Smartmail – udbredelse")
    phase_before = project.current_phase
    # The gate decision below takes the project into operation, which needs its AI Act
    # obligations met.
    factories.meet_obligations(project)

    page.get_by_role("link", name="Ny statusopdatering").click()
    page.get_by_role("group", name="Samlet status").get_by_label("Gul").check()
    page.get_by_role("group", name="Tidsplan").get_by_label("Gul").check()
    page.get_by_role("group", name="Budget").get_by_label("Grøn").check()
    page.get_by_role("group", name="Gevinster").get_by_label("Grøn").check()
    page.get_by_label("Fremdrift").fill("Fire kommuner er koblet på; integrationen testes.")
    page.get_by_label("Brug for hjælp fra styrelsen").check()
    page.get_by_label("Hvilken hjælp der er brug for").fill("Sparring om driftsaftale.")
    screenshot(page, "status-update-form")
    page.get_by_role("button", name="Gem statusopdatering").click()
    expect(page.get_by_text("Statusopdateringen er gemt.")).to_be_visible()

    page.get_by_role("link", name="Fasebeslutning", exact=True).click()
    expect(page.get_by_role("heading", name="Erfaringer fra andre projekter")).to_be_visible()
    page.get_by_label("Videre", exact=True).check()
    page.get_by_label("Begrundelse").fill("Organisationen er klar til drift.")
    screenshot(page, "gate-decision-form")
    page.get_by_role("button", name="Registrér fasebeslutning").click()
    expect(page.get_by_text("Fasebeslutningen er registreret.")).to_be_visible()

    page.get_by_role("link", name="Ny barriere").click()
    page.get_by_label("Kategori").select_option(label="Jura/GDPR")
    page.get_by_label("Titel").fill("Databehandleraftale mangler")
    page.get_by_label("Beskrivelse").fill("To kommuner mangler en databehandleraftale.")
    page.get_by_role("button", name="Gem barriere").click()
    expect(page.get_by_text("Barrieren er gemt.")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Løs.*Databehandleraftale mangler")).click()
    page.get_by_role("button", name="Markér som løst").click()  # nothing typed yet
    expect(page.get_by_text("Intet blev gemt.")).to_be_visible()
    page.get_by_label("Løsning").fill("Fælles aftale efter KL's skabelon.")
    page.get_by_role("button", name="Markér som løst").click()
    expect(page.get_by_text("Barrieren er markeret som løst.")).to_be_visible()

    page.get_by_role("link", name="Ny erfaring").click()
    page.get_by_label("Titel").fill("Databehandleraftaler først")
    page.get_by_label("Kategori").select_option(label="Jura/GDPR")
    page.get_by_label("Hvad skete der").fill("Aftalerne forsinkede udrulningen med to måneder.")
    page.get_by_label("Gode råd til andre").fill("Brug en fælles skabelon fra første dag.")
    page.get_by_label("Delt med porteføljen").check()
    page.get_by_role("button", name="Gem erfaring").click()
    expect(page.get_by_text("Erfaringen er gemt.")).to_be_visible()
    screenshot(page, "project-after")

    project.refresh_from_db()
    assert project.current_phase != phase_before
    assert project.current_status == "yellow"
    assert StatusUpdate.objects.filter(project=project, help_needed=True).exists()
    assert Barrier.objects.get(title="Databehandleraftale mangler").status == "resolved"
    assert LessonLearned.objects.get(title="Databehandleraftaler først").visibility == "portfolio"
    assert Phase.objects.filter(project=project, ended_on__isnull=True).count() == 1


def test_reviewer_follows_up_and_the_coordinator_answers(demo, new_page, screenshot):
    reviewer = new_page()
    log_in(reviewer, "ds-reviewer")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Portefølje")
    reviewer.get_by_role("link", name="Overblik").click()
    screenshot(reviewer, "dashboard")
    # The dashboard's barrier matrix leads to the projects behind a number.
    reviewer.get_by_role(
        "link", name=re.compile(r"med en åben barriere \(Jura.GDPR\) i Afprøvning")
    ).click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Portefølje")
    assert "barrier_category=legal" in reviewer.url
    screenshot(reviewer, "portfolio-filtered")

    reviewer.goto("/projects/")
    reviewer.get_by_text("Flere filtre", exact=True).click()  # the filters beside the search
    reviewer.get_by_role("group", name="Område").get_by_label("Administration").check()
    reviewer.get_by_role("button", name="Vis projekter").click()
    expect(reviewer.get_by_role("link", name="Smartmail – udbredelse")).to_be_visible()
    reviewer.get_by_role("link", name="Smartmail – udbredelse").click()
    reviewer.get_by_role("link", name="Nyt porteføljenotat").click()
    reviewer.get_by_label("Opfølgningsanmodning").check()
    reviewer.get_by_role("textbox", name="Notat").fill("Hvordan går det med driftsaftalen?")
    reviewer.get_by_role("button", name="Gem notat").click()
    expect(reviewer.get_by_text("Notatet er gemt.")).to_be_visible()

    coordinator = new_page()
    log_in(coordinator, "norddjurs-koordinator")
    expect(coordinator.get_by_text("Opfølgningsanmodning").first).to_be_visible()
    open_project(coordinator, "Smartmail – udbredelse")
    coordinator.get_by_role("link", name="Svar", exact=True).click()
    coordinator.get_by_label("Svar").fill("Aftalen underskrives i næste uge.")
    coordinator.get_by_role("button", name="Send svar").click()
    expect(coordinator.get_by_text("Dit svar er sendt til styrelsen.")).to_be_visible()
    screenshot(coordinator, "answered")

    reviewer.reload()
    reviewer.get_by_role("button", name="Luk").click()
    expect(reviewer.get_by_text("Notatet er lukket.")).to_be_visible()
    note = ReviewNote.objects.get(text="Hvordan går det med driftsaftalen?")
    assert note.answer == "Aftalen underskrives i næste uge." and note.closed_at


def test_language_switch_keeps_the_page(demo, new_page, screenshot):
    page = new_page()
    log_in(page, "aalborg-koordinator")
    open_project(page, "PLAI – planlægning i hjemmeplejen")
    url = page.url
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    assert page.url == url
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "english")
    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_role("heading", name="Tidslinje")).to_be_visible()


def test_project_page_at_360_px(demo, new_page, screenshot):
    page = new_page(width=360)
    log_in(page, "norddjurs-koordinator")
    page.goto(f"/projects/{Project.objects.get(title='Smartmail – udbredelse').pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways ({width}px)"
    screenshot(page, "project-360")


def _dashboard_cell(page, round_name: str, column: int):
    """The linked number in the operation table's row of a funding round (columns counted
    from the first number: finished, in operation, stopped/closed, running, not to,
    postponed)."""
    row = page.locator("table.destination-operation tbody tr").filter(
        has=page.get_by_role("rowheader", name=round_name, exact=True)
    )
    return row.locator("td").nth(column).get_by_role("link")


def test_a_participant_records_its_own_go_live_and_the_agency_sees_it_at_once(
    demo, new_page, screenshot
):
    project = Project.objects.get(title="PLAI – planlægning i hjemmeplejen")
    round_name = project.funding_round.name
    assert project.lead_organisation.name != "Syddjurs Kommune"

    reviewer = new_page()
    log_in(reviewer, "ds-reviewer")
    reviewer.goto("/dashboard/")
    running_before = int(_dashboard_cell(reviewer, round_name, 3).inner_text())
    finished_before = int(_dashboard_cell(reviewer, round_name, 0).inner_text())

    # Syddjurs takes part in Aalborg's project and had postponed its decision.
    page = new_page()
    log_in(page, "syddjurs-koordinator")
    open_project(page, project.title)
    expect(page.get_by_role("link", name="Redigér projekt")).to_have_count(0)
    page.get_by_role("navigation", name="Projektets sider").get_by_role(
        "link", name="Drift og gevinster"
    ).click()
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/operation/$"))
    expect(page.locator("#operation")).to_be_visible()
    decisions = page.locator("#operation").locator("xpath=following::table[1]")
    expect(decisions.get_by_role("link", name=re.compile("Aalborg Kommune"))).to_have_count(0)
    page.get_by_role("link", name=re.compile(r"^Ret beslutning\s*:\s*Syddjurs Kommune$")).click()
    page.get_by_label("Sat i drift").check()
    page.get_by_label("Besluttet den").fill("2026-10-01")
    page.get_by_label("Besluttet af").fill("Ældre- og sundhedsudvalget")
    screenshot(page, "operation-decision-form")
    page.get_by_role("button", name="Gem beslutning").click()
    expect(
        page.get_by_text("Idriftsættelsesbeslutningen for Syddjurs Kommune er gemt.")
    ).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("rowheader", name=re.compile("^Syddjurs")))
    expect(row).to_contain_text("Sat i drift")
    expect(row).to_contain_text("Ældre- og sundhedsudvalget")
    expect(row).not_to_contain_text("Teknisk integration")  # the postponement's reason went
    screenshot(page, "project-after-go-live")
    project.refresh_from_db()
    assert project.outcome == "in_operation"

    # The agency's dashboard counts it at once, and its number leads to Syddjurs's row.
    reviewer.goto("/dashboard/")
    expect(_dashboard_cell(reviewer, round_name, 3)).to_have_text(str(running_before + 1))
    expect(_dashboard_cell(reviewer, round_name, 0)).to_have_text(str(finished_before + 1))
    screenshot(reviewer, "dashboard-after-go-live")
    _dashboard_cell(reviewer, round_name, 3).click()
    listed = reviewer.locator("tbody tr").filter(has_text=project.title)
    expect(listed.filter(has_text="Syddjurs Kommune")).to_contain_text("Sat i drift")

    # Every organisation that decided against says why.
    reviewer.goto("/dashboard/")
    _dashboard_cell(reviewer, "Alle puljer", 4).click()
    expect(reviewer).to_have_url(re.compile(r"/portfolio/decisions/\?decision=not_to"))
    expect(reviewer.get_by_role("heading", level=1)).to_be_visible()
    rows = reviewer.locator("tbody tr")
    expect(rows).not_to_have_count(0)
    for index in range(rows.count()):
        text = rows.nth(index).inner_text()
        assert "Besluttet ikke at idriftsætte" in text
        assert any(reason in text for reason in REASON_LABELS), text
    screenshot(reviewer, "decided-against")


REASON_LABELS = [
    "Ingen hjemmel til drift",
    "GDPR / databeskyttelse",
    "Datakvalitet eller adgang til data",
    "Krav til medicinsk udstyr eller AI-forordningen",
    "Business case / for lille værdi",
    "Leverandør eller licens",
    "Organisatorisk kapacitet eller kompetencer",
    "Teknisk integration",
    "Andet",
]
