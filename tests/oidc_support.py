"""A real OpenID Connect provider for the tests (tests/oidc_provider, django-oauth-toolkit),
started once per test session as its own process on a free loopback port, and a driver that
signs a person in through it the way a browser would (the provider's login form, its consent
page) while the application side runs in Django's test client."""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests

from sigprojects.oidc_env import parse_providers

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "sigprojects-test"
CLIENT_SECRET = "test-provider-secret-0123456789"
PASSWORD = "udbyder-kode-2026"
ROLES = {"sig-koordinator": "coordinator", "sig-laeser": "viewer"}


@dataclass
class TestProvider:
    issuer: str
    data_dir: Path
    env: dict

    def set_people(self, people: dict) -> None:
        """Who may sign in at the provider and what it asserts about them: {username: {"sub":
        …, "claims": {…}, "rogue_key": bool}} (every password is PASSWORD)."""
        people = {name: {"password": PASSWORD, **person} for name, person in people.items()}
        target = self.data_dir / "people.json"
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(people), encoding="utf-8")
        temporary.replace(target)

    def allow_redirect(self, uri: str) -> None:
        _manage(self.env, "op_client", *_client_args(uri))

    def config(self, key: str = "test", **overrides) -> dict:
        """The application's settings for this provider, as OIDC_PROVIDERS would give them."""
        item = {
            "key": key,
            "label": "Testudbyder",
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": "openid profile email",
            "roles": ROLES,
            **overrides,
        }
        return parse_providers(json.dumps([item]), environ={})[0]


def _client_args(*uris):
    args = ["--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET]
    for uri in uris:
        args += ["--redirect-uri", uri]
    return args


def _manage(env, *args):
    subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("oidc-provider")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "OIDC_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings",
        OP_DATA_DIR=str(data_dir),
        PYTHONPATH=str(ROOT),
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "op_client", *_client_args("http://testserver/oidc/test/callback/"))
    port = _free_port()
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}/o"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(
                "The test provider did not start:\n" + (data_dir / "server.log").read_text()
            )
        time.sleep(0.2)
    provider = TestProvider(issuer=issuer, data_dir=data_dir, env=env)
    provider.set_people({})
    yield provider
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def person(cvr="29189714", roles=("sig-koordinator",), loa="substantial", **extra) -> dict:
    """The claims a municipal employee's provider typically sends."""
    claims = {
        "preferred_username": "anna.berg",
        "given_name": "Anna",
        "family_name": "Berg",
        "email": "anna.berg@norddjurs.dk",
        "email_verified": True,
        "cvr": cvr,
        "roles": list(roles),
        "loa": loa,
    }
    claims.update(extra)
    return {key: value for key, value in claims.items() if value is not None}


class _Forms(HTMLParser):
    """The forms of a page: their action and every input with a name."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("type") != "submit":
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def _form(html: str) -> dict:
    parser = _Forms()
    parser.feed(html)
    assert parser.forms, html[:500]
    return parser.forms[0]


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def authorise_at_provider(authorize_url: str, username: str) -> str:
    """Sign in at the provider's own login form and consent; the URL the provider sends the
    browser back to (the application's callback with code and state)."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=30)
    assert "/accounts/login/" in page.url, page.text[:500]
    login = _form(page.text)
    page = browser.post(
        page.url,
        data={**login["fields"], "username": username, "password": PASSWORD},
        headers={"Referer": page.url},
        timeout=30,
    )
    consent = _form(page.text)
    assert "code_challenge" in consent["fields"], page.text[:500]
    answer = browser.post(
        page.url,
        data={**consent["fields"], "allow": "Authorize"},
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def sign_in(client, username: str, *, key: str = "test", change_request=None, change_answer=None):
    """Sign in through the provider with the test client; the application's last response
    (redirects followed). `change_request` / `change_answer` may alter the URL sent to the
    provider / the URL it sends back, as an attacker in between could."""
    start = client.get(f"/oidc/{key}/login/")
    assert start.status_code == 302, start
    authorize_url = start["Location"]
    if change_request:
        authorize_url = change_request(authorize_url)
    callback_url = authorise_at_provider(authorize_url, username)
    if change_answer:
        callback_url = change_answer(callback_url)
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}", follow=True)
