"""Every page the app renders is valid HTML by the W3C Nu HTML Checker (vnu.jar).

The pages are those the accessibility test visits for each role (tests/browser/
test_accessibility.py, pages_for; the password reset link followed to the form it leads to)
in Danish and English, every form there sent back empty so that it is shown with its errors,
the login page with a wrong password, the error pages (404, 403, the CSRF failure, 500 and the
503 of a database outage) and the lock-out page. They are rendered by the test client into
files and checked by one run of the checker.

Errors fail the test. The checker's warnings (its "info" messages of subtype "warning") do not:
they are counted in test-results/markup-summary.json. Java and the checker are required, not
optional: without them the test fails and says what to install.
"""

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client, RequestFactory

from projects.access import projects_visible_to
from projects.models import Project
from projects.views.errors import server_error
from tests.browser.test_accessibility import USERS, pages_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SUMMARY = ROOT / "test-results" / "markup-summary.json"
LANGUAGES = ["da", "en"]
# A form the page posts with `novalidate`: the app's own forms, as opposed to the language
# switch and logging out.
FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*\bnovalidate\b", re.IGNORECASE)
ERRORS_SHOWN = ("is-invalid", "invalid-feedback", "errorlist", 'class="alert alert-danger')
# The link of the password reset e-mail leads on to the form for the new password, which is
# shown to the session that opened the link.
LEADS_ON = re.compile(r"^/password/reset/[^/]+/[^/]+/$")


class Pages:
    """Rendered pages written to files, each with what it is for the failure message."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.described: dict[str, str] = {}

    def add(self, description: str, response, status: int = 200):
        assert response.status_code == status, (
            f"{description}: expected {status}, got {response.status_code}"
        )
        assert response["Content-Type"].startswith("text/html"), description
        path = self.folder / f"{len(self.described):03d}.html"
        path.write_bytes(response.content)
        self.described[path.name] = description
        return response

    def describe(self, url: str) -> str:
        """What the checked file (the checker names it by a file: URL) is a rendering of."""
        return self.described.get(Path(urlsplit(url or "").path).name, url)


def _client(username: str | None, language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _render_every_page(pages: Pages):
    project = Project.objects.get(title="Smartmail – udbredelse")
    forms = {}
    for role, username in USERS.items():
        for language in LANGUAGES:
            client = _client(username, language)
            for url in pages_for(role):
                response = pages.add(f"{role}, {language}: GET {url}", _get(client, url)[0])
                if FORM.search(response.content.decode()):
                    forms.setdefault(url, (role, username))

    # Every form sent back with its fields empty, after all pages were read (a valid post
    # changes data). The one key that is sent makes the views bind the form
    # (`Form(request.POST or None)` leaves a post of nothing unbound).
    for url, (role, username) in forms.items():
        for language in LANGUAGES:
            client = _client(username, language)
            target = _get(client, url)[1] if LEADS_ON.match(url) else url
            response = pages.add(
                f"{role}, {language}: POST {target} (empty, shown with its errors)",
                client.post(target, {"sent-empty": ""}),
            )
            html = response.content.decode()
            assert any(marker in html for marker in ERRORS_SHOWN), f"{url}: no error shown"

    for language in LANGUAGES:
        anonymous = _client(None, language)
        pages.add(
            f"anonymous, {language}: POST /login/ (wrong password)",
            anonymous.post(
                "/login/", {"username": "norddjurs-koordinator", "password": "not-the-password"}
            ),
        )
        pages.add(
            f"anonymous, {language}: GET /no-such-page/ (404)",
            anonymous.get("/no-such-page/"),
            404,
        )
        coordinator = _client("norddjurs-koordinator", language)
        user = get_user_model().objects.get(username="norddjurs-koordinator")
        hidden = Project.objects.exclude(pk__in=projects_visible_to(user).values("pk")).first()
        pages.add(
            f"coordinator, {language}: GET another organisation's project (404)",
            coordinator.get(f"/projects/{hidden.pk}/"),
            404,
        )
        pages.add(
            f"coordinator, {language}: GET /dashboard/ (403)", coordinator.get("/dashboard/"), 403
        )
        viewer = _client("norddjurs-laeser", language)
        pages.add(
            f"viewer, {language}: GET /projects/{project.pk}/edit/ (403)",
            viewer.get(f"/projects/{project.pk}/edit/"),
            403,
        )
        strict = Client(enforce_csrf_checks=True)
        strict.cookies["django_language"] = language
        pages.add(
            f"anonymous, {language}: POST /login/ without the CSRF token (403)",
            strict.post("/login/", {"username": "x", "password": "y"}),
            403,
        )
        pages.add(f"{language}: server error (500)", _server_error(language, RuntimeError), 500)
        pages.add(
            f"{language}: database outage (503)", _server_error(language, OperationalError), 503
        )

    # Too many wrong passwords for one username lock it out for a while.
    locked = _client(None, "da")
    wrong = {"username": "norddjurs-laeser", "password": "not-the-password"}
    for _ in range(10):
        response = locked.post("/login/", wrong)
        if response.status_code == 429:
            break
    pages.add("anonymous, da: POST /login/ once too often (locked out)", response, 429)


def _get(client: Client, url: str):
    """The page at `url` and where it is: the password reset link followed to its form."""
    if not LEADS_ON.match(url):
        return client.get(url), url
    response = client.get(url, follow=True)
    assert len(response.redirect_chain) <= 1, f"{url}: {response.redirect_chain}"
    return response, response.redirect_chain[-1][0] if response.redirect_chain else url


def _server_error(language: str, error: type[Exception]):
    request = RequestFactory().post("/projects/new/", {"title": "Typed before the error"})
    request.COOKIES["django_language"] = language
    try:
        raise error("raised for the error page")
    except error:
        return server_error(request)


def _run_vnu(files: list[Path]) -> list[dict]:
    java = shutil.which("java")
    if not java:
        pytest.fail(
            "Java is missing: the markup check runs the Nu HTML Checker (vnu.jar) with it. "
            "Install Debian's default-jre-headless (`make java` does so as root)."
        )
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: install the front-end packages with `npm ci`.")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", "--stdout"]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        return json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"The Nu HTML Checker gave no report:\n{result.stdout}\n{result.stderr}")


def test_every_rendered_page_is_valid_html(tmp_path):
    # The AI Act catalogue comes with a migration, whose rows a transactional test run earlier
    # has flushed; the projects' rules pages show its obligations.
    call_command("load_obligations", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    pages = Pages(tmp_path)
    _render_every_page(pages)
    messages = _run_vnu(sorted(tmp_path.glob("*.html")))

    errors = [m for m in messages if m["type"] != "info"]
    warnings = [m for m in messages if m["type"] == "info" and m.get("subType") == "warning"]
    _record(pages, errors, warnings)
    problems = [
        f"{pages.describe(m.get('url'))}, line {m.get('lastLine', '?')}: "
        f"{m['message']}\n    {m.get('extract', '').strip()}"
        for m in errors
    ]
    assert problems == [], f"{len(problems)} markup errors:\n" + "\n".join(problems)


def _record(pages: Pages, errors: list[dict], warnings: list[dict]):
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    counts = Counter(m["message"] for m in warnings)
    SUMMARY.write_text(
        json.dumps(
            {
                "pages": len(pages.described),
                "errors": len(errors),
                "warnings": len(warnings),
                "warnings_by_message": dict(counts.most_common()),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


def test_without_java_the_check_fails_rather_than_skipping(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="default-jre-headless"):
        _run_vnu([])


def test_without_the_checker_the_check_fails_rather_than_skipping(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "VNU", tmp_path / "vnu.jar")
    with pytest.raises(pytest.fail.Exception, match="npm ci"):
        _run_vnu([])
