"""The read-only API (/api/v1/): its OpenAPI document and documentation page, the public
register (filters, pages, ETag / Last-Modified), the agency's portfolio behind tokens, the
token page, and the register's downloads keyed by the Dutch standard's field names."""

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from projects.models import (
    ApiToken,
    Outcome,
    PublicationCategory,
    RegisterRecord,
    RegisterState,
    RegisterStatus,
)
from projects.register_exports import FIELD_NAMES
from projects.services.api_tokens import create_api_token, revoke_api_token
from projects.services.register import publish_register_record, withdraw_register_record
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"


def publish(project, user, **fields) -> RegisterRecord:
    """An approved register record of `project`, published by `user`."""
    values = {
        "name": f"Algoritme for {project.title}"[:100],
        "description_short": "Sorterer post til den rette sagsbehandler.",
        "contact_email": "algoritmer@example.dk",
        "status": RegisterStatus.IN_USE,
        "begin_date": "2024-03",
        "category": ["organisation"],
        "goal": "Hurtigere journalisering.",
        **fields,
    }
    record = RegisterRecord.objects.create(
        project=project,
        state=RegisterState.APPROVED,
        approved_at=timezone.now(),
        approved_by=user,
        **values,
    )
    publish_register_record(record=record, user=user)
    record.refresh_from_db()
    return record


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- The OpenAPI document and the documentation page -------------------------------------


def test_the_openapi_document_is_valid_openapi_3(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate(document)  # raises on any violation of the OpenAPI specification
    paths = document["paths"]
    assert {
        f"{API}/register/records",
        f"{API}/register/records/{{record_id}}",
        f"{API}/portfolio/projects",
        f"{API}/portfolio/figures",
    } <= set(paths)
    # The portfolio asks for a bearer token; the register does not.
    assert paths[f"{API}/portfolio/projects"]["get"]["security"] == [{"AgencyToken": []}]
    assert "security" not in paths[f"{API}/register/records"]["get"]
    # Every field of the standard is documented under its own name.
    assert list(document["components"]["schemas"]["RegisterData"]["properties"]) == FIELD_NAMES


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("src", "href", "action", "data"):
            if attributes.get(name):
                self.urls.append(attributes[name])
        if tag == "script" and "src" not in attributes:
            self._in_inline_script = attributes.get("type") != "application/json"
        if "style" in attributes or any(name.startswith("on") for name in attributes):
            self.inline_scripts.append(f"<{tag} {attributes}>")

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.inline_scripts.append(data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_docs_page_loads_nothing_from_elsewhere(client, reviewer, signed_in):
    if signed_in:
        client.force_login(reviewer)
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Resources()
    parser.feed(html)
    assert parser.urls
    external = [url for url in parser.urls if re.match(r"^(https?:)?//", url)]
    assert external == []
    assert parser.inline_scripts == []
    # Swagger UI comes from the django-ninja package, served by the app.
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert f"/static/{asset}" in html
        assert finders.find(asset), asset
    settings_json = re.search(
        r'<script id="swagger-settings" type="application/json">(.*?)</script>', html, re.S
    )
    swagger = json.loads(settings_json.group(1))
    assert swagger["url"] == f"{API}/openapi.json"
    assert swagger["validatorUrl"] is None  # no badge from validator.swagger.io
    # The site's policy, unweakened: scripts and styles from the app only.
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert ('href="/account/api-tokens/"' in html) == signed_in


# --- The public register --------------------------------------------------------------


@pytest.fixture
def register(administrator, norddjurs, syddjurs, aarhus):
    """Three published records of three organisations, and one approved but unpublished."""
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        first = publish(
            factories.ProjectFactory(lead_organisation=norddjurs),
            administrator,
            name="Automatisk journalisering",
            category=["organisation", "employment"],
        )
    second = publish(
        factories.ProjectFactory(lead_organisation=syddjurs),
        administrator,
        name="Billedgenkendelse af vejskader",
        status=RegisterStatus.IN_DEVELOPMENT,
        begin_date="",
        category=["infrastructure"],
        publication_category=PublicationCategory.IMPACTFUL,
    )
    third = publish(
        factories.ProjectFactory(lead_organisation=aarhus),
        administrator,
        name="Chatbot til borgerservice",
        category=["organisation"],
        tags="chatbot borgerservice",
    )
    RegisterRecord.objects.create(
        project=factories.ProjectFactory(lead_organisation=aarhus),
        name="Dokumentklassifikation (ikke udgivet)",
        description_short="Ikke udgivet endnu.",
        contact_email="x@example.dk",
        state=RegisterState.APPROVED,
        approved_at=timezone.now(),
        approved_by=administrator,
    )
    return {"first": first, "second": second, "third": third}


def names(response) -> list[str]:
    return [entry["data"]["name"] for entry in response.json()["results"]]


def test_the_register_lists_the_published_records_by_name(client, register):
    response = client.get(f"{API}/register/records")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert names(response) == [
        "Automatisk journalisering",
        "Billedgenkendelse af vejskader",
        "Chatbot til borgerservice",
    ]
    entry = body["results"][0]
    assert entry["id"] == register["first"].pk
    assert entry["url"] == reverse("public_register_detail", args=[register["first"].pk])
    assert list(entry["data"]) == FIELD_NAMES
    # Coded values in the standard's vocabulary.
    assert entry["data"]["status"] == "In gebruik"
    assert entry["data"]["category"] == ["Organisatie en bedrijfsvoering", "Werk"]
    assert entry["data"]["organization"] == "Norddjurs Kommune"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "in_development"}, ["Billedgenkendelse af vejskader"]),
        ({"publication_category": "impactful"}, ["Billedgenkendelse af vejskader"]),
        ({"theme": "organisation"}, ["Automatisk journalisering", "Chatbot til borgerservice"]),
        ({"theme": "employment"}, ["Automatisk journalisering"]),
        ({"q": "chatbot"}, ["Chatbot til borgerservice"]),
        ({"q": "ikke udgivet"}, []),
    ],
)
def test_the_register_filters(client, register, query, expected):
    assert names(client.get(f"{API}/register/records", query)) == expected


def test_the_register_filters_by_organisation_and_update(client, register, syddjurs):
    by_organisation = client.get(f"{API}/register/records", {"organisation": syddjurs.pk})
    assert names(by_organisation) == ["Billedgenkendelse af vejskader"]
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    recent = client.get(f"{API}/register/records", {"updated_since": since})
    assert names(recent) == ["Billedgenkendelse af vejskader", "Chatbot til borgerservice"]


@pytest.mark.parametrize(
    "query",
    [{"status": "secret"}, {"theme": "nonsense"}, {"updated_since": "yesterday"}, {"page": 0}],
)
def test_the_register_refuses_a_value_it_does_not_know(client, register, query):
    assert client.get(f"{API}/register/records", query).status_code == 422


def test_the_register_pages_have_a_limit(client, register):
    first = client.get(f"{API}/register/records", {"page_size": 2})
    second = client.get(f"{API}/register/records", {"page_size": 2, "page": 2})
    assert (first.json()["pages"], first.json()["count"]) == (2, 3)
    assert names(first) + names(second) == [
        "Automatisk journalisering",
        "Billedgenkendelse af vejskader",
        "Chatbot til borgerservice",
    ]
    assert client.get(f"{API}/register/records", {"page_size": 2, "page": 3}).status_code == 404
    assert client.get(f"{API}/register/records", {"page_size": 101}).status_code == 422


def test_a_record_is_read_only_while_it_is_published(client, register, administrator):
    url = f"{API}/register/records/{register['second'].pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Billedgenkendelse af vejskader"
    assert response.json()["version"] == 1
    unpublished = RegisterRecord.objects.get(state=RegisterState.APPROVED)
    assert client.get(f"{API}/register/records/{unpublished.pk}").status_code == 404
    withdraw_register_record(record=register["second"], user=administrator)
    assert client.get(url).status_code == 404
    assert "Billedgenkendelse" not in client.get(f"{API}/register/records").content.decode()


@pytest.mark.parametrize("which", ["list", "detail"])
def test_an_unchanged_answer_is_not_sent_again(client, register, administrator, which):
    url = (
        f"{API}/register/records"
        if which == "list"
        else f"{API}/register/records/{register['first'].pk}"
    )
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert first["Cache-Control"] == "public, no-cache"
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    # A new published version changes the answer: the old validators no longer match.
    record = register["first"]
    RegisterRecord.objects.filter(pk=record.pk).update(
        state=RegisterState.APPROVED, description_short="En ny beskrivelse."
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        publish_register_record(record=record, user=administrator)
        changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200
        assert changed["ETag"] != etag
        assert "En ny beskrivelse." in changed.content.decode()
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 200


def test_a_withdrawal_changes_the_lists_validators(client, register, administrator):
    url = f"{API}/register/records"
    before = client.get(url)
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        withdraw_register_record(record=register["third"], user=administrator)
        after = client.get(
            url,
            HTTP_IF_NONE_MATCH=before["ETag"],
            HTTP_IF_MODIFIED_SINCE=before["Last-Modified"],
        )
    assert after.status_code == 200
    assert "Chatbot" not in after.content.decode()
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_the_register_list_runs_the_same_queries_with_more_records(client, administrator):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"{API}/register/records").status_code == 200
        return len(context.captured_queries)

    for _ in range(2):
        publish(factories.ProjectFactory(), administrator)
    few = queries()
    for _ in range(5):
        publish(factories.ProjectFactory(), administrator)
    assert client.get(f"{API}/register/records").json()["count"] == 7
    assert queries() == few


# --- The portfolio behind tokens ------------------------------------------------------


@pytest.fixture
def portfolio(norddjurs, syddjurs, aarhus):
    factories.ProjectFactory(title="Intelligent journalisering", lead_organisation=norddjurs)
    factories.ProjectFactory(
        title="Sprogmodel til borgerbreve", lead_organisation=syddjurs, help_requested=True
    )
    factories.ProjectFactory(title="Prognoser for hjemmeplejen", lead_organisation=aarhus)
    factories.ProjectFactory(title="Arkiveret projekt", lead_organisation=aarhus, archived=True)


def portfolio_titles(response) -> list[str]:
    return [project["title"] for project in response.json()["results"]]


@pytest.fixture
def agency_token(reviewer) -> str:
    return create_api_token(user=reviewer, name="Porteføljeudtræk").secret


ENDPOINTS = ["/portfolio/projects", "/portfolio/figures"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_portfolio_needs_a_valid_token(client, portfolio, reviewer, endpoint):
    url = f"{API}{endpoint}"
    missing = client.get(url)
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get(url, **bearer("sgp_not-a-token")).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 401

    issued = create_api_token(user=reviewer, name="Til at tilbagekalde")
    assert client.get(url, **bearer(issued.secret)).status_code == 200
    revoke_api_token(token=issued.token)
    assert client.get(url, **bearer(issued.secret)).status_code == 401

    deactivated = create_api_token(user=factories.UserFactory(), name="Tidligere ansat")
    factories.MembershipFactory(
        user=deactivated.token.user, organisation=reviewer.memberships.get().organisation
    )
    assert client.get(url, **bearer(deactivated.secret)).status_code == 200
    deactivated.token.user.is_active = False
    deactivated.token.user.save()
    assert client.get(url, **bearer(deactivated.secret)).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "persona", ["coordinator", "viewer", "participant", "outsider", "no_membership"]
)
def test_a_token_of_someone_outside_the_agency_is_refused(
    client, portfolio, request, endpoint, persona
):
    if persona == "no_membership":
        user = factories.UserFactory()
    else:
        user = request.getfixturevalue(persona)
    # Issued while the holder was in the agency, or through the admin: refused all the same.
    token = create_api_token(user=user, name="Ikke styrelsen")
    response = client.get(f"{API}{endpoint}", **bearer(token.secret))
    assert response.status_code == 403
    assert "Intelligent journalisering" not in response.content.decode()


@pytest.mark.parametrize("persona", ["reviewer", "administrator"])
def test_the_agency_reads_the_whole_portfolio(client, portfolio, request, persona):
    token = create_api_token(user=request.getfixturevalue(persona), name="Udtræk").secret
    response = client.get(f"{API}/portfolio/projects", **bearer(token))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert portfolio_titles(response) == [
        "Intelligent journalisering",
        "Prognoser for hjemmeplejen",
        "Sprogmodel til borgerbreve",
    ]
    project = response.json()["results"][0]
    assert project["lead_organisation"]["name"] == "Norddjurs Kommune"
    assert project["outcome"] == Outcome.ONGOING
    assert {"current_phase", "current_status", "organisations_running", "escalated_barrier"} <= set(
        project
    )
    archived = client.get(f"{API}/portfolio/projects", {"archived": "true"}, **bearer(token))
    expected = ["Arkiveret projekt"] if persona == "administrator" else portfolio_titles(response)
    assert portfolio_titles(archived) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "borgerbreve"}, ["Sprogmodel til borgerbreve"]),
        ({"help_requested": "1"}, ["Sprogmodel til borgerbreve"]),
        ({"order": "-title"}, ["Sprogmodel til borgerbreve", "Prognoser for hjemmeplejen"]),
        ({"outcome": ["ongoing", "stopped"], "q": "journal"}, ["Intelligent journalisering"]),
        ({"outcome": "stopped"}, []),
    ],
)
def test_the_portfolio_filters_as_the_list_does(client, portfolio, agency_token, query, expected):
    response = client.get(f"{API}/portfolio/projects", query, **bearer(agency_token))
    assert response.status_code == 200
    assert portfolio_titles(response)[: len(expected)] == expected
    if len(expected) < 2:
        assert len(portfolio_titles(response)) == len(expected)


def test_the_portfolio_filters_by_lead_organisation(client, portfolio, agency_token, aarhus):
    response = client.get(
        f"{API}/portfolio/projects", {"lead_organisation": aarhus.pk}, **bearer(agency_token)
    )
    assert portfolio_titles(response) == ["Prognoser for hjemmeplejen"]


@pytest.mark.parametrize("query", [{"outcome": "vanished"}, {"order": "secret"}, {"page": "0"}])
def test_the_portfolio_refuses_an_unknown_filter_value(client, portfolio, agency_token, query):
    assert client.get(f"{API}/portfolio/projects", query, **bearer(agency_token)).status_code == 422


def test_the_portfolio_pages(client, portfolio, agency_token):
    first = client.get(f"{API}/portfolio/projects", {"page_size": 2}, **bearer(agency_token))
    second = client.get(
        f"{API}/portfolio/projects", {"page_size": 2, "page": 2}, **bearer(agency_token)
    )
    assert first.json()["count"] == 3 and first.json()["pages"] == 2
    assert portfolio_titles(first) + portfolio_titles(second) == [
        "Intelligent journalisering",
        "Prognoser for hjemmeplejen",
        "Sprogmodel til borgerbreve",
    ]


def test_the_portfolio_runs_the_same_queries_with_more_projects(client, agency_token):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(f"{API}/portfolio/projects", **bearer(agency_token))
            assert response.status_code == 200
        return len(context.captured_queries)

    for _ in range(2):
        project = factories.ProjectFactory()
        factories.StatusUpdateFactory(project=project)
        factories.BarrierFactory(project=project, escalated=True)
    queries()  # the token's first use is noted once
    few = queries()
    for _ in range(6):
        project = factories.ProjectFactory()
        factories.StatusUpdateFactory(project=project)
        factories.BarrierFactory(project=project, escalated=True)
    assert queries() == few


def test_the_figures_are_the_dashboards(client, portfolio, agency_token, reviewer):
    response = client.get(f"{API}/portfolio/figures", **bearer(agency_token))
    assert response.status_code == 200
    figures = response.json()
    client.force_login(reviewer)
    dashboard = client.get(reverse("dashboard")).context
    assert figures["total"] == dashboard["total"] == 3
    assert figures["live"] == dashboard["live"]
    assert figures["attention"]["help"] == dashboard["attention"]["help"] == 1
    assert [row["projects"] for row in figures["funnel"]] == [n for _k, n in dashboard["funnel"]]
    assert {row["key"] for row in figures["outcomes"]} == {o.value for o in Outcome}


def test_a_token_notes_when_it_was_last_used(client, portfolio, reviewer):
    issued = create_api_token(user=reviewer, name="Udtræk")
    assert issued.token.last_used_at is None
    client.get(f"{API}/portfolio/figures", **bearer(issued.secret))
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


# --- The token page -------------------------------------------------------------------


def test_an_agency_member_creates_a_token_and_sees_it_once(client, reviewer, portfolio):
    client.force_login(reviewer)
    url = reverse("api_tokens")
    assert client.get(url).status_code == 200
    created = client.post(url, {"name": "Ledelsesinformation"})
    assert created.status_code == 302 and created["Location"] == url
    shown = client.get(url).content.decode()
    secret = re.search(r'value="(sgp_[^"]+)"', shown).group(1)
    token = ApiToken.objects.get(user=reviewer)
    assert token.name == "Ledelsesinformation" and secret.startswith(token.prefix)
    # Only a hash is stored, and the secret is not shown again.
    assert secret not in {token.secret_hash, token.prefix}
    assert secret not in client.get(url).content.decode()
    assert token.prefix in client.get(url).content.decode()
    client.logout()
    assert client.get(f"{API}/portfolio/figures", **bearer(secret)).status_code == 200


def test_a_token_needs_a_name(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("api_tokens"), {"name": "  "})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_member_has_a_limited_number_of_active_tokens(client, reviewer):
    from projects.services.api_tokens import MAX_ACTIVE_TOKENS

    for n in range(MAX_ACTIVE_TOKENS):
        create_api_token(user=reviewer, name=f"Token {n}")
    client.force_login(reviewer)
    response = client.post(reverse("api_tokens"), {"name": "En for meget"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_a_member_revokes_their_own_token_only(client, reviewer, administrator, portfolio):
    own = create_api_token(user=reviewer, name="Eget")
    others = create_api_token(user=administrator, name="En andens")
    client.force_login(reviewer)
    foreign = client.post(reverse("api_token_revoke", args=[others.token.pk]))
    assert foreign.status_code == 404
    assert client.post(reverse("api_token_revoke", args=[own.token.pk])).status_code == 302
    own.token.refresh_from_db()
    others.token.refresh_from_db()
    assert own.token.revoked_at is not None and others.token.revoked_at is None
    assert client.get(f"{API}/portfolio/figures", **bearer(own.secret)).status_code == 401
    assert client.get(f"{API}/portfolio/figures", **bearer(others.secret)).status_code == 200
    page = client.get(reverse("api_tokens")).content.decode()
    assert "Tilbagekaldt" in page and "En andens" not in page


def test_the_account_menu_links_to_the_tokens_for_the_agency_only(client, reviewer, coordinator):
    client.force_login(reviewer)
    assert 'href="/account/api-tokens/"' in client.get(reverse("lesson_list")).content.decode()
    client.force_login(coordinator)
    assert 'href="/account/api-tokens/"' not in client.get(reverse("lesson_list")).content.decode()


def test_token_creation_and_revocation_are_in_the_change_history(reviewer):
    from auditlog.models import LogEntry

    issued = create_api_token(user=reviewer, name="Historik")
    revoke_api_token(token=issued.token)
    entries = LogEntry.objects.get_for_object(issued.token).order_by("timestamp")
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert "revoked_at" in entries[1].changes_dict
    assert all("secret_hash" not in entry.changes_dict for entry in entries)


def test_the_database_refuses_a_token_without_a_name_or_secret(reviewer):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(user=reviewer, name="", prefix="sgp_x", secret_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(user=reviewer, name="Uden", prefix="", secret_hash="")


# --- The register's downloads ---------------------------------------------------------


@pytest.mark.parametrize("url", ["/register/export.json", f"{API}/register/export.json"])
def test_the_json_download_is_keyed_by_the_standards_field_names(client, register, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    records = json.loads(b"".join(response.streaming_content))
    assert [record["name"] for record in records] == [
        "Automatisk journalisering",
        "Billedgenkendelse af vejskader",
        "Chatbot til borgerservice",
    ]
    assert all(list(record) == FIELD_NAMES for record in records)
    first = records[0]
    assert first["status"] == "In gebruik"
    assert first["publication_category"] == "Overige algoritmes"
    assert first["category"] == ["Organisatie en bedrijfsvoering", "Werk"]
    assert first["lang"] == "dan" and first["standard_version"] == "1.0.0"
    assert first["source_id"] == str(register["first"].pk)


@pytest.mark.parametrize("url", ["/register/export.csv", f"{API}/register/export.csv"])
def test_the_csv_download_has_the_standards_field_names_as_header(client, register, url):
    response = client.get(url, {"status": "in_use"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == FIELD_NAMES
    assert [row["name"] for row in rows] == [
        "Automatisk journalisering",
        "Chatbot til borgerservice",
    ]
    assert rows[0]["category"] == "Organisatie en bedrijfsvoering, Werk"
    assert rows[0]["status"] == "In gebruik"


def test_the_csv_download_keeps_a_formula_from_running(client, administrator):
    publish(factories.ProjectFactory(), administrator, name="=HYPERLINK(1)")
    text = b"".join(client.get("/register/export.csv").streaming_content).decode()
    assert "'=HYPERLINK(1)" in text


def test_the_downloads_leave_out_what_is_not_published(client, register, administrator):
    withdraw_register_record(record=register["third"], user=administrator)
    for url in ("/register/export.json", "/register/export.csv"):
        text = b"".join(client.get(url).streaming_content).decode()
        assert "Automatisk journalisering" in text
        assert "Chatbot" not in text and "ikke udgivet" not in text


def test_the_downloads_run_the_same_queries_with_more_records(client, administrator):
    def queries(url) -> int:
        with CaptureQueriesContext(connection) as context:
            b"".join(client.get(url).streaming_content)
        return len(context.captured_queries)

    publish(factories.ProjectFactory(), administrator)
    few = {url: queries(url) for url in ("/register/export.json", "/register/export.csv")}
    for _ in range(4):
        publish(factories.ProjectFactory(), administrator)
    assert {url: queries(url) for url in few} == few


def test_the_public_register_links_to_the_downloads(client, register):
    html = client.get(reverse("public_register"), {"status": "in_use"}).content.decode()
    assert 'href="/register/export.json?status=in_use"' in html
    assert 'href="/register/export.csv?status=in_use"' in html


def test_a_download_is_dated(client, register):
    response = client.get("/register/export.csv")
    expected = f"algoritmeregister-{timezone.localdate():%Y-%m-%d}.csv"
    assert expected in response["Content-Disposition"]
