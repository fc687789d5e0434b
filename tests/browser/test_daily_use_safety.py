"""Daily use in Chromium: nothing typed is lost by accident (leaving a changed form asks first,
switching language keeps the input, going back after a save saves nothing twice), a reader is
told why there are no buttons, and every error page is in the site's layout, in Danish and in
English, with a way back."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from projects.models import Project, StatusUpdate
from tests.browser.conftest import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)

PROJECT = "Smartmail – udbredelse"
AXE = Axe()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def project_pk() -> int:
    return Project.objects.get(title=PROJECT).pk


def watch_dialogs(page, *, accept: bool = False) -> list[str]:
    """Record the type of every dialog the page opens, and answer it."""
    seen = []

    def answer(dialog):
        seen.append(dialog.type)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", answer)
    return seen


def expect_prompts(page, dialogs: list[str], count: int) -> None:
    """Wait until the page has asked `count` times before leaving (the dialog event comes in
    after the click that caused it), then check that it asked exactly so often."""
    for _ in range(50):
        if len(dialogs) >= count:
            break
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"] * count


def ends_with(path: str):
    return re.compile(re.escape(path) + "$")


def open_menu_if_collapsed(page) -> None:
    toggler = page.get_by_role("button", name="Vis menu").or_(
        page.get_by_role("button", name="Show menu")
    )
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") == "false":
        toggler.click()


def fill_lights(page, labels=("Samlet status", "Tidsplan", "Budget", "Gevinster"), light="Grøn"):
    for label in labels:
        page.get_by_role("group", name=label).get_by_label(light).check()


def no_accessibility_violations(page) -> list[str]:
    response = AXE.run(page, options=AXE_OPTIONS).response
    return [f"{page.url}: {v['id']} ({v['impact']})" for v in response["violations"]]


# --- Work is never lost by accident --------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 360])
def test_leaving_a_changed_form_asks_first_and_saving_it_does_not(
    demo, new_page, screenshot, width
):
    page = new_page(width)
    log_in(page, "norddjurs-koordinator")
    dialogs = watch_dialogs(page)
    form_url = f"/projects/{project_pk()}/updates/new/"
    page.goto(form_url)

    # Nothing typed: the menu leaves at once.
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Erfaringer", exact=True).click()
    expect(page).to_have_url(ends_with("/lessons/"))
    assert dialogs == []

    page.goto(form_url)
    page.get_by_label("Fremdrift").press_sequentially("Integrationen er testet.")
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Erfaringer", exact=True).click()
    expect_prompts(page, dialogs, 1)
    # Staying keeps the text.
    expect(page.get_by_label("Fremdrift")).to_have_value("Integrationen er testet.")
    assert page.url.endswith(form_url)

    # Any link asks, and so does another form (logging out).
    page.get_by_role("link", name=PROJECT).first.click()
    expect_prompts(page, dialogs, 2)
    open_menu_if_collapsed(page)
    page.get_by_role("button", name="Log ud").click()
    expect_prompts(page, dialogs, 3)
    expect(page.get_by_label("Fremdrift")).to_have_value("Integrationen er testet.")

    # A form sent back refused holds what is not saved yet: leaving it asks too.
    page.get_by_role("button", name="Gem statusopdatering").click()
    expect(page.get_by_text("Intet blev gemt.")).to_be_visible()
    assert dialogs == ["beforeunload"] * 3  # sending the form itself did not ask
    screenshot(page, f"refused-form-{width}")
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Erfaringer", exact=True).click()
    expect_prompts(page, dialogs, 4)
    expect(page.get_by_label("Fremdrift")).to_have_value("Integrationen er testet.")

    fill_lights(page)
    page.get_by_role("button", name="Gem statusopdatering").click()
    expect(page.get_by_text("Statusopdateringen er gemt.")).to_be_visible()
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Erfaringer", exact=True).click()
    expect(page).to_have_url(ends_with("/lessons/"))
    assert dialogs == ["beforeunload"] * 4  # none when saving, none after
    assert StatusUpdate.objects.filter(progress="Integrationen er testet.").count() == 1


@pytest.mark.parametrize("width", [1280, 360])
def test_switching_language_keeps_what_was_typed(demo, new_page, screenshot, width):
    page = new_page(width)
    log_in(page, "norddjurs-koordinator")
    dialogs = watch_dialogs(page)
    form_url = f"/projects/{project_pk()}/updates/new/"
    page.goto(form_url)
    page.get_by_label("Fremdrift").press_sequentially("Fire kommuner er koblet på.")
    page.get_by_role("group", name="Samlet status").get_by_label("Gul").check()
    page.get_by_label("Brug for hjælp fra styrelsen").check()
    page.get_by_label("Hvilken hjælp der er brug for").fill("Sparring om driftsaftalen.")

    # What is kept for the reload: the fields, never the CSRF token. The switch is answered
    # with 204 here, so that the page stays and its storage can be read.
    page.route("**/i18n/setlang/", lambda route: route.fulfill(status=204))
    open_menu_if_collapsed(page)
    page.get_by_role("button", name="English").click()
    kept = page.wait_for_function("sessionStorage.getItem('sigprojects:kept-input')").json_value()
    page.unroute("**/i18n/setlang/")
    fields = {field["name"]: field for field in json.loads(kept)["forms"][0]["fields"]}
    assert fields["progress"]["value"] == "Fire kommuner er koblet på."
    assert "csrfmiddlewaretoken" not in fields
    csrf = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    assert csrf not in kept

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New status update")
    progress = page.get_by_label("Progress")
    expect(progress).to_have_value("Fire kommuner er koblet på.")
    expect(page.get_by_role("group", name="Overall status").get_by_label("Yellow")).to_be_checked()
    expect(page.get_by_label("Help needed from the agency")).to_be_checked()
    expect(page.get_by_label("What help is needed")).to_have_value("Sparring om driftsaftalen.")
    # The character count follows the text that came back.
    expect(page.get_by_text("27 / 5,000 characters")).to_be_visible()
    assert dialogs == []  # the switch itself did not ask
    screenshot(page, f"kept-after-switching-{width}")

    # The form counts as changed again: leaving asks.
    progress.click()
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Lessons learned", exact=True).click()
    expect_prompts(page, dialogs, 1)

    # And back to Danish, still there; saved once it is complete.
    open_menu_if_collapsed(page)
    page.get_by_role("button", name="Dansk").click()
    expect(page.get_by_label("Fremdrift")).to_have_value("Fire kommuner er koblet på.")
    fill_lights(page, ("Tidsplan", "Budget", "Gevinster"))
    page.get_by_role("button", name="Gem statusopdatering").click()
    expect(page.get_by_text("Statusopdateringen er gemt.")).to_be_visible()
    assert dialogs == ["beforeunload"]
    saved = StatusUpdate.objects.get(progress="Fire kommuner er koblet på.")
    assert (saved.overall_status, saved.help_needed) == ("yellow", True)


def test_going_back_after_saving_and_saving_again_saves_once(demo, new_page, screenshot):
    page = new_page()
    log_in(page, "norddjurs-koordinator")
    dialogs = watch_dialogs(page)
    page.goto(f"/projects/{project_pk()}/")
    page.get_by_role("link", name="Ny statusopdatering").click()
    fill_lights(page)
    page.get_by_label("Fremdrift").fill("Driftsaftalen er underskrevet.")
    page.get_by_role("button", name="Gem statusopdatering").click()
    expect(page.get_by_text("Statusopdateringen er gemt.")).to_be_visible()

    page.go_back()
    # The browser fills in what was sent. Leaving it again is no loss: nothing asks.
    expect(page.get_by_label("Fremdrift")).to_have_value("Driftsaftalen er underskrevet.")
    page.get_by_role("link", name="Erfaringer", exact=True).click()
    expect(page).to_have_url(ends_with("/lessons/"))
    page.go_back()
    expect(page.get_by_label("Fremdrift")).to_have_value("Driftsaftalen er underskrevet.")
    page.get_by_role("button", name="Gem statusopdatering").click()

    expect(page.get_by_text("Formularen er allerede gemt fra første gang")).to_be_visible()
    expect(page.get_by_text("Ret venligst de markerede felter")).to_have_count(0)
    screenshot(page, "sent-again")
    page.get_by_role("link", name="Se, hvad der blev gemt.").click()
    expect(page.get_by_text("Driftsaftalen er underskrevet.")).to_be_visible()
    assert StatusUpdate.objects.filter(progress="Driftsaftalen er underskrevet.").count() == 1
    assert dialogs == []


@pytest.mark.parametrize("width", [1280, 360])
def test_withdrawing_says_how_to_undo_it(demo, new_page, screenshot, width):
    page = new_page(width)
    log_in(page, "norddjurs-koordinator")
    project = Project.objects.get(title=PROJECT)
    update = StatusUpdate.objects.filter(project=project).order_by("-reported_on").first()
    page.goto(f"/projects/{project.pk}/updates/{update.pk}/withdraw/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Vil du trække denne statusopdatering tilbage?"
    )
    screenshot(page, f"confirm-withdraw-{width}")
    page.get_by_role("button", name="Træk tilbage").click()
    expect(page.get_by_text("nederst i tidslinjen og vælg Gendan")).to_be_visible()
    screenshot(page, f"withdrawn-{width}")
    # The message's directions lead to the entry.
    page.locator("details summary").filter(has_text=re.compile("tilbagetruk(ket|ne) post")).click()
    page.get_by_role("button", name=re.compile(rf"^Gendan\s*:\s*{re.escape(str(update))}$")).click()
    expect(page.get_by_text("er gendannet og står igen i tidslinjen")).to_be_visible()


# --- Say why, in Danish --------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 360])
def test_a_viewer_is_told_why_there_are_no_buttons(demo, new_page, screenshot, width):
    page = new_page(width)
    log_in(page, "norddjurs-laeser")
    page.goto(f"/projects/{project_pk()}/")
    notice = page.locator("#access-notice")
    expect(notice).to_contain_text("Du har læseadgang til dette projekt.")
    expect(notice).to_contain_text("spørg en koordinator i Norddjurs Kommune")
    expect(page.get_by_role("group", name="Handlinger")).to_have_count(0)
    expect(page.get_by_role("link", name="Ny statusopdatering")).to_have_count(0)
    assert no_accessibility_violations(page) == []
    screenshot(page, f"viewer-notice-{width}")


def _fail_logins(page, username: str, language: str) -> None:
    labels = {
        "da": ("Brugernavn", "Adgangskode", "Log ind"),
        "en": ("Username", "Password", "Log in"),
    }
    user_label, password_label, button = labels[language]
    page.goto("/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        if page.get_by_label(password_label).count() == 0:
            break  # locked out already
        page.get_by_label(user_label).fill(username)
        page.get_by_label(password_label).fill("forkert-kode")
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()


ERROR_PAGES = {
    "da": {
        400: "Forespørgslen kunne ikke læses",
        403: "Det har du ikke adgang til",
        404: "Siden blev ikke fundet",
        405: "Adressen kan ikke bruges på den måde",
        429: "For mange mislykkede logins",
        500: "Serverfejl",
    },
    "en": {
        400: "The request could not be read",
        403: "You do not have access to this",
        404: "Page not found",
        405: "This address cannot be used this way",
        429: "Too many failed logins",
        500: "Server error",
    },
}
WORDS = {
    "da": {
        "back": "Gå tilbage",
        "menu": "Mine projekter",
        "projects": "Gå til mine projekter",
        "front": "Gå til forsiden",
    },
    "en": {
        "back": "Go back",
        "menu": "My projects",
        "projects": "Go to my projects",
        "front": "Go to the front page",
    },
}


@pytest.mark.urls("tests.test_daily_use")  # adds addresses that answer 400 and 500
@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("language", ["da", "en"])
def test_every_error_page_is_in_the_layout_and_the_language_with_a_way_back(
    demo, new_page, live_server, screenshot, language, width
):
    page = new_page(width)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    headings, words = ERROR_PAGES[language], WORDS[language]
    pk = project_pk()
    project_url = f"/projects/{pk}/"
    _fail_logins(page, "norddjurs-koordinator", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(headings[429])
    assert page.locator("html").get_attribute("lang") == language
    problems = no_accessibility_violations(page)
    screenshot(page, f"429-{language}-{width}")

    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    if language == "da":
        log_in(page, "norddjurs-laeser")
    else:
        page.goto("/login/")
        page.get_by_label("Username").fill("norddjurs-laeser")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login/" not in url)

    for status, url in [
        (403, f"/projects/{pk}/updates/new/"),
        (404, "/projects/999999/"),
        (405, f"/projects/{pk}/archive/"),
        (400, "/tests/bad-request/"),
        (500, "/tests/broken/"),
    ]:
        page.goto(project_url)
        response = page.goto(url)
        assert response.status == status, url
        expect(page.get_by_role("heading", level=1)).to_have_text(headings[status])
        assert page.locator("html").get_attribute("lang") == language
        problems += no_accessibility_violations(page)
        screenshot(page, f"{status}-{language}-{width}")
        if status == 500:  # drawn without the database, so without the user's menu
            expect(page.get_by_role("link", name=words["front"])).to_be_visible()
        else:
            expect(page.get_by_role("link", name=words["projects"])).to_be_visible()
            open_menu_if_collapsed(page)
            expect(page.get_by_role("link", name=words["menu"], exact=True)).to_be_visible()
        page.get_by_role("button", name=words["back"]).click()
        expect(page).to_have_url(ends_with(project_url))
    assert problems == []
