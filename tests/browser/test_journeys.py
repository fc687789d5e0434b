"""The main journeys, as a person would take them in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Barrier, LessonLearned, Phase, Project, ReviewNote, StatusUpdate
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
