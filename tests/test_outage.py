"""A database outage: the "temporarily unavailable" page (503, Retry-After, the user's language,
the typed input kept) wherever the error is raised, and the health endpoints.

The in-process tests make the database raise OperationalError (every query through
`connection.execute_wrapper`, or the session backend) on SQLite and PostgreSQL alike. The fault
test on PostgreSQL runs the real application under gunicorn against a database reached through
a TCP proxy the test switches off and on again.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import traceback
from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception
from django.db import OperationalError, connection
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client, RequestFactory
from django.urls import include, path

from projects.views import errors, health

ROOT = Path(__file__).resolve().parent.parent
DANISH_TITLE = "Midlertidigt utilgængelig"
ENGLISH_TITLE = "Temporarily unavailable"


def _refused(execute, sql, params, many, context):
    raise OperationalError(
        'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
    )


@contextmanager
def database_down():
    """Every query in this thread fails as it does when the server is gone."""
    with connection.execute_wrapper(_refused):
        yield


@pytest.fixture
def browser():
    """A test client that gets the error pages, as a browser would, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def raised_at():
    """The files of the traceback behind the request's error, innermost last."""
    frames: list[str] = []

    def record(sender, request=None, **kwargs):
        frames[:] = [frame.filename for frame in traceback.extract_tb(sys.exc_info()[2])]

    got_request_exception.connect(record)
    yield frames
    got_request_exception.disconnect(record)


def assert_unavailable(response, title=DANISH_TITLE, language="da"):
    assert response.status_code == 503, response.content.decode()[:2000]
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert response["Content-Language"] == language
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert title in page
    return page


# --- Views for the response phase and for other errors, in this module's URL configuration ---


def _rendered_later(request):
    # The query runs when the response is rendered, after the view has returned.
    template = engines["django"].from_string("{{ users|length }}")
    return TemplateResponse(request, template, {"users": get_user_model().objects.all()})


def _broken(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("rendered-later/", _rendered_later),
    path("broken/", _broken),
    path("", include("sigprojects.urls")),
]
handler500 = "projects.views.errors.server_error"


# --- The outage page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_outage_in_a_view_answers_503_in_danish_with_the_typed_input(browser, raised_at):
    with database_down():
        response = browser.post(
            "/login/",
            {
                "csrfmiddlewaretoken": "token-value-not-shown",
                "username": "outage-tester",
                "password": "hemmelig-adgangskode-42",
                "next": "/projects/",
            },
        )
    page = assert_unavailable(response)
    assert "outage-tester" in page
    assert "hemmelig-adgangskode-42" not in page
    assert "token-value-not-shown" not in page
    assert 'name="password"' not in page
    # Raised inside the view, while the login form was checked.
    assert any(os.path.join("django", "views", "generic") in f for f in raised_at)


@pytest.mark.django_db
def test_an_outage_in_the_session_middleware_answers_503_in_english_when_chosen(
    browser, raised_at, coordinator
):
    browser.force_login(coordinator)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    failure = OperationalError("server closed the connection unexpectedly")
    with mock.patch("projects.sessions.SessionStore.load", side_effect=failure):
        response = browser.get("/projects/?phase=development")
    page = assert_unavailable(response, ENGLISH_TITLE, "en")
    # Raised while a middleware read the signed-in user, before any view ran.
    assert raised_at and not any(os.path.join("projects", "views") in f for f in raised_at)
    assert any(os.path.join("django", "contrib", "auth") in f for f in raised_at)
    assert 'href="/projects/?phase=development"' in page  # "try again"


def test_try_again_never_links_off_the_site():
    # As a server hands on a request line "GET //elsewhere.example/login/".
    request = RequestFactory().get("/", PATH_INFO="//elsewhere.example/login/")
    assert request.get_full_path() == "//elsewhere.example/login/"
    try:
        raise OperationalError("gone")
    except OperationalError:
        page = assert_unavailable(errors.server_error(request))
    assert "elsewhere.example" not in page


@pytest.mark.django_db
def test_the_login_page_says_unavailable_before_a_password_is_typed(browser):
    # Drawing the form needs no database, but sending it does: the page checks first.
    with database_down():
        response = browser.get("/login/")
    page = assert_unavailable(response)
    assert 'name="password"' not in page
    assert browser.get("/login/").status_code == 200


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_outage_while_the_response_renders_answers_503(browser, raised_at):
    with database_down():
        response = browser.get("/rendered-later/")
    assert_unavailable(response)
    assert any(os.path.join("django", "template") in f for f in raised_at)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_other_errors_keep_a_500_page_in_the_chosen_language(browser):
    response = browser.get("/broken/")
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
    assert "Serverfejl" in response.content.decode()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Server error" in browser.get("/broken/").content.decode()


def test_the_input_shown_leaves_out_tokens_versions_and_passwords():
    request = RequestFactory().post(
        "/projects/1/barriers/2/edit/",
        {
            "csrfmiddlewaretoken": "x",
            "submission_token": "0b6f",
            "version": "7",
            "phase_version": "3",
            "old_password": "gammel-kode",
            "new_password1": "ny-kode",
            "title": "Manglende data",
            "description": "Første linje\nAnden linje",
            "barriers": ["3", "5"],
            "empty": "",
        },
    )
    shown = {field["name"]: field["value"] for field in errors.submitted_input(request)}
    assert shown == {
        "title": "Manglende data",
        "description": "Første linje\nAnden linje",
        "barriers": "3\n5",
    }


def test_the_error_pages_render_without_the_database():
    """No database access is allowed here (no django_db mark), and the request has neither
    session nor user: the handler must do without both."""
    request = RequestFactory().post("/login/", {"username": "<b>anne</b>", "password": "x"})
    try:
        raise OperationalError("the server is gone")
    except OperationalError:
        response = errors.server_error(request)
    page = assert_unavailable(response)
    assert "&lt;b&gt;anne&lt;/b&gt;" in page
    assert "/static/css/site.css" in page
    try:
        raise KeyError("a bug")
    except KeyError:
        response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Serverfejl" in response.content.decode()


def test_a_wrapped_database_error_counts_as_an_outage():
    try:
        try:
            raise OperationalError("gone")
        except OperationalError as exc:
            raise RuntimeError("could not load the page") from exc
    except RuntimeError as exc:
        assert errors.is_database_outage(exc)
    assert not errors.is_database_outage(ValueError("no"))


def test_a_bare_page_when_the_template_cannot_render():
    """E.g. static files not collected: the page still explains and keeps the input."""
    request = RequestFactory().post("/login/", {"username": "anne"})
    with mock.patch.object(errors, "render_to_string", side_effect=ValueError("no manifest")):
        try:
            raise OperationalError("gone")
        except OperationalError:
            response = errors.server_error(request)
    page = assert_unavailable(response)
    assert "anne</textarea>" in page


# --- Health -----------------------------------------------------------------------------------


@pytest.fixture
def fresh_readiness():
    """Forget this process's cached migrations answer, before and after the test."""
    health._migrations["all_applied"] = False
    yield
    health._migrations["all_applied"] = False


def test_liveness_touches_no_database(client):
    # No django_db mark: any database access would fail the test.
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_readiness_answers_ready_and_then_costs_one_query(
    client, fresh_readiness, django_assert_num_queries
):
    response = client.get("/health/ready/")
    assert (response.status_code, response.content) == (200, b"ready")
    assert "no-store" in response["Cache-Control"]
    with (
        mock.patch.object(health, "MigrationExecutor", side_effect=AssertionError("cached")),
        django_assert_num_queries(1),
    ):
        assert client.get("/health/ready/").status_code == 200


@pytest.mark.django_db
def test_readiness_answers_503_while_the_database_is_down(client, fresh_readiness):
    with database_down():
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.content == b"not ready: database unavailable"
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert client.get("/health/").status_code == 200


@pytest.mark.django_db
def test_readiness_answers_503_until_every_migration_is_applied(client, fresh_readiness):
    with mock.patch.object(health, "_unapplied_migrations", return_value=2):
        response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.content == b"not ready: 2 unapplied migrations"
    # A negative answer is not cached: once migrated, the server is ready.
    assert client.get("/health/ready/").status_code == 200


@pytest.mark.django_db
def test_both_health_endpoints_are_exempt_from_the_https_redirect(settings, fresh_readiness):
    if not getattr(settings, "SECURE_REDIRECT_EXEMPT", None):
        pytest.skip("SECURE_SSL is off: no HTTPS redirect to be exempt from")
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/login/").status_code == 301
    assert client.get("/health/").status_code == 200
    assert client.get("/health/ready/").status_code == 200


# --- The fault test: gunicorn, PostgreSQL and a proxy switched off and on ------------------------


class SwitchableProxy:
    """A TCP proxy on 127.0.0.1 to the database server. Switched off, nothing listens on its
    port and every connection it forwarded is cut, as when the server stops; switched on
    again, it listens on the same port."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self._running = threading.Event()

    def on(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        # A short timeout lets the accept loop notice that it has been switched off.
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._running.set()
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def off(self) -> None:
        self._running.clear()
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            connections, self._connections = self._connections, set()
        for sock in connections:
            _cut(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._running.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _cut(client)
                continue
            client.settimeout(None)
            server.settimeout(None)
            with self._lock:
                self._connections.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._connections.discard(source)
                self._connections.discard(target)
            _cut(source)
            _cut(target)


def _cut(sock: socket.socket) -> None:
    # shutdown() wakes a thread blocked in recv() on the socket; close() alone may not.
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_database() -> dict:
    db = settings.DATABASES["default"]
    return {
        "host": db.get("HOST") or "127.0.0.1",
        "port": int(db.get("PORT") or 5432),
        "user": db.get("USER") or "postgres",
        "password": db.get("PASSWORD") or "",
    }


@pytest.fixture
def outage_database():
    """A database of its own, created for the test and dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip(
            f"the outage fault test stops a PostgreSQL server's connections; "
            f"the database is {connection.vendor}"
        )
    import psycopg

    server = _server_database()
    name = f"sigprojects_outage_{secrets.token_hex(4)}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**server, "name": name}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_proxy(outage_database):
    proxy = SwitchableProxy((outage_database["host"], outage_database["port"]))
    proxy.on()
    try:
        yield proxy
    finally:
        proxy.off()


def _database_url(database: dict, port: int) -> str:
    credentials = database["user"] + (f":{database['password']}" if database["password"] else "")
    return f"postgres://{credentials}@127.0.0.1:{port}/{database['name']}"


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture
def app_server(outage_database, database_proxy, tmp_path):
    """The application under gunicorn with production settings, its database behind the proxy."""
    production = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL": "0",
        "DATABASE_URL": _database_url(outage_database, database_proxy.port),
    }
    manage = [sys.executable, "manage.py"]
    _run(
        [*manage, "migrate", "--no-input", "--verbosity", "0"],
        {
            **production,
            "DEBUG": "1",
            "DATABASE_URL": _database_url(outage_database, outage_database["port"]),
        },
    )
    # The production static storage renders {% static %} from the collected manifest.
    _run([*manage, "collectstatic", "--no-input", "--verbosity", "0"], production)

    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "sigprojects.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
            # Nothing shared with other gunicorns on the machine (the default control socket
            # is one path in the home directory).
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=production,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/health/", timeout=1).status_code == 200:
                    break
            # Not listening yet, or listening while the workers still load the application.
            except (requests.ConnectionError, requests.Timeout):
                pass
            if server.poll() is not None:
                break
            time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start within 10 seconds")
        assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _eventually(check, attempts: int = 40, pause: float = 0.25):
    """The answer once `check` holds, retried a bounded number of times."""
    for _ in range(attempts):
        response = check()
        if response is not None:
            return response
        time.sleep(pause)
    pytest.fail(f"not within {attempts * pause:.0f} seconds")


def _answers(session, url: str, status: int):
    def check():
        try:
            response = session.get(url, timeout=5)
        except requests.RequestException:
            return None
        return response if response.status_code == status else None

    return check


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_the_running_application_survives_a_database_outage(app_server, database_proxy):
    visitor = requests.Session()
    returning = requests.Session()
    # A browser that has been here before sends a session cookie; reading it needs the database.
    returning.cookies.set("sessionid", secrets.token_hex(16))

    login = visitor.get(f"{app_server}/login/", timeout=5)
    assert login.status_code == 200
    token = _CSRF.search(login.text).group(1)
    assert visitor.get(f"{app_server}/health/ready/", timeout=5).text == "ready"
    assert returning.get(f"{app_server}/login/", timeout=5).status_code == 200

    database_proxy.off()

    assert requests.get(f"{app_server}/health/", timeout=5).status_code == 200
    ready = requests.get(f"{app_server}/health/ready/", timeout=5)
    assert (ready.status_code, ready.text) == (503, "not ready: database unavailable")

    for browser in (returning, visitor):
        page = browser.get(f"{app_server}/login/", timeout=5)
        assert page.status_code == 503, page.text[:2000]
        assert page.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
        assert DANISH_TITLE in page.text
        # The page in its layout, with the collected (hashed) style sheet, not the bare one.
        assert re.search(r'href="/static/css/site\.\w+\.css"', page.text)

    sent = visitor.post(
        f"{app_server}/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "outage-tester",
            "password": "hemmelig-adgangskode-42",
        },
        timeout=5,
    )
    assert sent.status_code == 503, sent.text[:2000]
    assert sent.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert DANISH_TITLE in sent.text
    assert "outage-tester" in sent.text
    assert "hemmelig-adgangskode-42" not in sent.text

    database_proxy.on()

    # Each worker notices the lost connection and connects anew, without a restart.
    for _ in range(4):
        _eventually(_answers(visitor, f"{app_server}/login/", 200))
        ready = _eventually(_answers(visitor, f"{app_server}/health/ready/", 200))
        assert ready.text == "ready"
