"""What the browser downloads: Bootstrap's style sheet cut down to what the app renders, no
script that blocks rendering, compressed pages, and a title and description on every page."""

import gzip
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

BUILT_CSS = "css/bootstrap.min.css"
FULL_CSS = "vendor/bootstrap/css/bootstrap.css"
NOT_BUILT = "Bootstrap's style sheet is not built: run `make css` (part of `make setup`)."
ACCEPTS_GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def _classes_in_css(path: str) -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", Path(path).read_text(), flags=re.S)
    return set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", text))


def _classes_in_templates() -> dict[str, set[str]]:
    """The class names written literally in each template; template tags become spaces, so
    `alert-{{ tag }}` yields no name and `{% if x %}active{% endif %}` yields `active`."""
    found = {}
    folders = [settings.BASE_DIR / "templates", settings.BASE_DIR / "projects" / "templates"]
    for template in (path for folder in folders for path in folder.rglob("*.html")):
        text = template.read_text()
        names = set()
        for value in re.findall(r'\bclass="([^"]*)"', text):
            value = re.sub(r"\{[{%].*?[%}]\}", " ", value)
            names.update(n for n in value.split() if re.fullmatch(r"[A-Za-z][\w-]*[\w]", n))
        found[str(template.relative_to(settings.BASE_DIR))] = names
    return found


def _head(response) -> tuple[str, str]:
    page = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    description = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    return html.unescape(" ".join(title.split())), html.unescape(description)


def test_the_built_style_sheet_is_served_in_place_of_bootstraps_full_one():
    built = finders.find(BUILT_CSS)
    assert built, NOT_BUILT
    assert Path(built).is_relative_to(settings.BASE_DIR / "build")
    full = finders.find(FULL_CSS)
    text = Path(built).read_text()
    assert text.startswith('@charset "UTF-8";/*!\n * Bootstrap'), "keeps Bootstrap's licence"
    assert "\n" not in text.split("*/", 1)[1], "minified"
    assert (
        len(text) < Path(finders.find("vendor/bootstrap/css/bootstrap.min.css")).stat().st_size / 3
    )
    # What the pages use is kept, what no page uses is gone.
    classes = _classes_in_css(built)
    assert {"navbar-toggler", "form-control", "is-invalid", "invalid-feedback", "table"} <= classes
    # Added by Bootstrap's script at run time, and by messages: alert-{{ message.tags }}.
    assert {"collapsing", "collapse", "show", "fade", "alert-danger", "alert-success"} <= classes
    assert {"carousel", "accordion", "offcanvas", "spinner-border"}.isdisjoint(classes)
    assert _classes_in_css(full) > classes


def _selectors(path: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", Path(path).read_text(), flags=re.S)
    preludes = re.findall(r"([^{};]+)\{", text)
    return [s.strip() for p in preludes if not p.strip().startswith("@") for s in p.split(",")]


def test_every_bootstrap_rule_the_templates_use_is_in_the_built_style_sheet():
    """A rule of Bootstrap's whose classes all appear in the templates must be kept; when one is
    missing, a template changed after the last build."""
    built = finders.find(BUILT_CSS)
    assert built, NOT_BUILT
    in_templates = _classes_in_templates()
    used = set().union(*in_templates.values())
    kept = _classes_in_css(built)
    missing = set()
    for selector in _selectors(finders.find(FULL_CSS)):
        classes = set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", selector))
        if classes and classes <= used:
            missing |= classes - kept
    where = {t: sorted(names & missing) for t, names in in_templates.items() if names & missing}
    assert not missing, f"{where}: the built style sheet is out of date; run `make css`"


@pytest.mark.parametrize("template", ["base.html", "errors/layout.html"])
def test_pages_link_the_built_style_sheet_and_defer_every_script(template):
    text = (settings.BASE_DIR / "templates" / template).read_text()
    assert f"{{% static '{BUILT_CSS}' %}}" in text
    assert "vendor/bootstrap/css" not in text
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert all(re.search(r"\s(defer|async)\b", tag) for tag in scripts), scripts


def test_no_script_blocks_rendering_on_a_signed_in_page(client, coordinator, project):
    client.force_login(coordinator)
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert any("bootstrap.bundle.min.js" in tag for tag in scripts)
    assert all(re.search(r"\ssrc=", tag) and re.search(r"\sdefer\b", tag) for tag in scripts)
    assert f"/static/{BUILT_CSS}" in page


def test_pages_are_compressed_for_clients_that_accept_gzip(client, coordinator, project):
    response = client.get(reverse("login"), **ACCEPTS_GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert "<title>Log ind" in page
    assert int(response["Content-Length"]) == len(response.content) < len(page.encode())

    client.force_login(coordinator)
    response = client.get(reverse("project_detail", args=[project.pk]), **ACCEPTS_GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert "Intelligent journalisering" in gzip.decompress(response.content).decode()


def test_pages_are_not_compressed_for_clients_that_do_not_ask(client):
    response = client.get(reverse("login"))
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]
    assert b"<title>" in response.content


def test_compressed_pages_vary_in_length_against_breach(client):
    # Django pads the gzip header with a file name of random length (up to 100 bytes), so the
    # length of a response does not tell how well a guess compressed along with a secret.
    lengths = set()
    for _ in range(12):
        response = client.get(reverse("login"), **ACCEPTS_GZIP)
        assert response.content[3] & gzip.FNAME
        lengths.add(len(response.content))
    assert len(lengths) > 1


def test_login_page_says_what_it_is(client, coordinator):
    title, description = _head(client.get(reverse("login")))
    assert title == "Log ind · Signaturprojekter"
    assert description.startswith("Log ind for at følge og rapportere")
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "x"})
    assert _head(response)[0] == "Fejl: Log ind · Signaturprojekter"


def test_project_list_title_and_description_follow_the_role(client, coordinator, administrator):
    client.force_login(coordinator)
    title, description = _head(client.get(reverse("project_list")))
    assert title == "Mine projekter · Signaturprojekter"
    assert description.startswith("De signaturprojekter, din organisation leder eller deltager i")

    client.force_login(administrator)
    title, description = _head(client.get(reverse("project_list")))
    assert title == "Portefølje · Signaturprojekter"
    assert description.startswith("Porteføljen af signaturprojekter")
    title, _description = _head(client.get(reverse("project_list"), {"archived": "1"}))
    assert title == "Arkiverede projekter · Signaturprojekter"


def test_project_page_is_described_by_its_title_and_lead(client, coordinator, project):
    project.title = 'Chatbot "Spørg Borger"'
    project.save()
    client.force_login(coordinator)
    title, description = _head(client.get(reverse("project_detail", args=[project.pk])))
    assert title == 'Chatbot "Spørg Borger" · Signaturprojekter'
    assert description.startswith('Chatbot "Spørg Borger", ledet af Norddjurs Kommune: ')


def test_forms_and_other_pages_have_a_title_and_description(client, coordinator, project):
    client.force_login(coordinator)
    url = reverse("status_update_create", args=[project.pk])
    title, description = _head(client.get(url))
    assert title == "Ny statusopdatering · Intelligent journalisering · Signaturprojekter"
    assert description == "Ny statusopdatering i signaturprojektet Intelligent journalisering."
    title, _description = _head(client.post(url, {"progress": ""}))
    assert title.startswith("Fejl: Ny statusopdatering · ")

    title, description = _head(client.get(reverse("lesson_list")))
    assert title == "Erfaringer · Signaturprojekter"
    assert description.startswith("Hvad projekterne har lært")
    title, description = _head(client.get(reverse("password_change")))
    assert title == "Skift adgangskode · Signaturprojekter"
    assert description.startswith("Signaturprojekter: her registrerer kommuner og regioner")


def test_dashboard_says_what_it_is(client, reviewer):
    client.force_login(reviewer)
    title, description = _head(client.get(reverse("dashboard")))
    assert title == "Overblik · Signaturprojekter"
    assert description.startswith("Porteføljen på én side")
