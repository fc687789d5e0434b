"""Nothing behind the login reaches the public: the register's pages, the API, its OpenAPI
document and documentation, and the register's downloads show published snapshots only.

A distinct marker is planted in every text field (every CharField and TextField, found by
introspecting the models, so a new field is covered without touching this test) of a project,
of every kind of record around it, of its organisations, suppliers, funding round, users and
of its register record after publication (the fields the snapshot leaves out, the agency's
return note, and a later edit that was never published). Then every public page and answer is
fetched anonymously and searched for the markers; the snapshot's own content must be there."""

import itertools
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from projects.models import (
    Organisation,
    PhaseKind,
    Project,
    RegisterRecord,
    RegisterSnapshot,
    RegisterState,
    Role,
)
from projects.selectors.register import REGISTER_FIELDS
from projects.services.api_tokens import create_api_token
from projects.services.register import publish_register_record
from tests import factories

pytestmark = pytest.mark.django_db

# What the public is meant to read: the published snapshots, and the names of the
# organisations (the snapshot names its organisation, the register filters by them).
PUBLIC_BY_DESIGN = {RegisterSnapshot: None, Organisation: {"name"}}
_counter = itertools.count(1)


def marker(kind: str) -> str:
    """A short distinctive string: fits the shortest text columns we can plant in."""
    return f"{kind}{next(_counter):03d}7f3a"


def text_fields(model) -> list[models.Field]:
    """The model's free-text columns (choice fields hold codes the pages translate)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.primary_key
    ]


def plant(rows, planted: dict[str, str], skipped: set[str], *, only=None) -> None:
    """Write a new marker into every text field of every row, past every rule of the model:
    the markers are not meant to be valid, only findable."""
    for row in rows:
        model = type(row)
        excluded = PUBLIC_BY_DESIGN.get(model, set()) or set()
        changes = {}
        for field in text_fields(model):
            if field.name in excluded or (only is not None and field.name not in only):
                continue
            value = marker("LEAK")
            if field.max_length is not None and field.max_length < len(value):
                skipped.add(f"{model.__name__}.{field.name}")
                continue
            changes[field.attname] = value
            planted[value] = f"{model.__name__}.{field.name}"
        if changes:
            model._base_manager.filter(pk=row.pk).update(**changes)


def _project_links(model) -> list[str]:
    """The model's own foreign keys and many-to-many fields to Project."""
    return [
        field.name
        for field in model._meta.get_fields()
        if field.is_relation
        and field.related_model is Project
        and not field.auto_created
        and (field.concrete or field.many_to_many)
    ]


def rows_around(projects: list[Project]) -> list[models.Model]:
    """The projects, every row that points to them, every row those point to or are pointed
    to by (organisations, suppliers, catalogue entries, measurements, adoptions …), found by
    following the foreign keys of the app's models; the public snapshots left out."""
    found: dict[tuple, models.Model] = {}
    ids = [project.pk for project in projects]
    for model in apps.get_app_config("projects").get_models():
        if model is RegisterSnapshot:
            continue
        links = _project_links(model)
        if model is Project:
            rows = Project.objects.filter(pk__in=ids)
        elif links:
            condition = models.Q()
            for name in links:
                condition |= models.Q(**{f"{name}__in": ids})
            rows = model._base_manager.filter(condition).distinct()
        else:
            continue
        found.update({(model, row.pk): row for row in rows})
    # One more step each way: what these rows point to, and what points to them.
    for _round in range(2):
        for (model, _pk), row in list(found.items()):
            for field in model._meta.concrete_fields:
                target = field.related_model
                if field.is_relation and target and target._meta.app_label == "projects":
                    if target is RegisterSnapshot:
                        continue
                    value = getattr(row, field.attname)
                    if value is not None:
                        other = target._base_manager.get(pk=value)
                        found.setdefault((target, other.pk), other)
        for model in apps.get_app_config("projects").get_models():
            if model is RegisterSnapshot:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model
                if not field.is_relation or target is None or target is RegisterSnapshot:
                    continue
                pks = [pk for (kind, pk) in found if kind is target]
                if pks:
                    for row in model._base_manager.filter(**{f"{field.name}__in": pks}):
                        found.setdefault((model, row.pk), row)
    return list(found.values())


def one_of_every_record(project, *, lead, participant, author, agency_user):
    """A row of every kind of record a project has, shared and unshared."""
    factories.PhaseFactory(project=project, kind=PhaseKind.CLARIFICATION)
    factories.StatusUpdateFactory(project=project)
    barrier = factories.BarrierFactory(project=project, escalated=True)
    factories.DecisionFactory(project=project).barriers.add(barrier)
    factories.LessonFactory(project=project, visibility="project", barrier=barrier)
    factories.LessonFactory(project=project, visibility="portfolio")
    factories.ReviewNoteFactory(project=project, kind="follow_up", answer="Svar.")
    factories.LegalQuestionFactory(project=project, barrier=barrier)
    factories.LegalQuestionFactory(
        project=project,
        status="answered",
        answer="Ja.",
        answered_on=timezone.localdate(),
        shared=True,
        answer_source="KL",
    )
    factories.OperationDecisionFactory(project=project, organisation=lead)
    indicator = factories.BenefitIndicatorFactory(project=project, organisation=participant)
    factories.BenefitMeasurementFactory(indicator=indicator, evidence="Rapport.")
    factories.SpendingFactory(project=project, competence_roles="Dataanalytiker", note="Note.")
    factories.ProjectSupplierFactory(project=project, note="Drift.")
    create_api_token(user=agency_user, name="Porteføljeudtræk")


def fill_missing_kinds(project, user) -> None:
    """A row of any other model that belongs to a project (a kind of record added later),
    filled with the simplest values its columns take."""
    for model in apps.get_app_config("projects").get_models():
        links = _project_links(model)
        if not links or model is RegisterRecord:
            continue
        condition = models.Q()
        for name in links:
            condition |= models.Q(**{name: project})
        if model._base_manager.filter(condition).exists():
            continue
        values = {}
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            if field.is_relation and field.related_model is Project:
                values[field.name] = project
                continue
            if field.null or field.has_default():
                continue
            if field.is_relation:
                target = field.related_model
                if target is get_user_model():
                    values[field.name] = user
                else:
                    values[field.name] = target._base_manager.order_by("pk").first()
            elif field.choices:
                values[field.attname] = field.choices[0][0]
            elif isinstance(field, models.CharField | models.TextField):
                values[field.attname] = marker("fill")
            elif isinstance(field, models.DateTimeField):
                values[field.attname] = timezone.now()
            elif isinstance(field, models.DateField):
                values[field.attname] = timezone.localdate()
            elif isinstance(field, models.BooleanField):
                values[field.attname] = False
            elif isinstance(field, models.IntegerField | models.DecimalField):
                values[field.attname] = 1
            elif isinstance(field, models.JSONField):
                values[field.attname] = []
        row = model(**values)
        model._base_manager.bulk_create([row])
        for field in model._meta.many_to_many:
            if field.related_model is Project:
                getattr(model._base_manager.get(pk=row.pk), field.name).add(project)


# The snapshot's own text, planted as markers of their own so that we can check they DO reach
# the public (fields whose rules a marker would break keep valid values).
PUBLIC_TEXT_FIELDS = [
    "name",
    "description_short",
    "goal",
    "proportionality",
    "human_intervention",
    "risks",
    "lawful_basis",
    "impacttoetsen",
    "source_data",
    "methods_and_models",
    "provider",
    "tags",
    "senior_responsible_owner",
    "procurement_procedure_type",
    "frequency_and_scale_of_usage",
    "appeals_and_review",
]


@pytest.fixture
def leak_world(norddjurs, syddjurs, aarhus, administrator, reviewer, coordinator, participant):
    project = factories.ProjectFactory(
        title="Hemmeligt projekt", lead_organisation=norddjurs, participants=[syddjurs]
    )
    one_of_every_record(
        project, lead=norddjurs, participant=syddjurs, author=coordinator, agency_user=reviewer
    )
    fill_missing_kinds(project, coordinator)
    published = {name: marker("PUB") for name in PUBLIC_TEXT_FIELDS}
    record = RegisterRecord.objects.create(
        project=project,
        contact_email="algoritmer@norddjurs.dk",
        category=["health"],
        developed_in_house=False,
        state=RegisterState.RETURNED,
        return_note="Beskriv risiciene bedre.",
        returned_at=timezone.now(),
        returned_by=administrator,
        **published,
    )
    RegisterRecord.objects.filter(pk=record.pk).update(
        state=RegisterState.APPROVED, approved_at=timezone.now(), approved_by=administrator
    )
    record.refresh_from_db()
    publish_register_record(record=record, user=administrator)

    # A second project whose record was never published.
    draft_project = factories.ProjectFactory(title="Kladdeprojekt", lead_organisation=aarhus)
    RegisterRecord.objects.create(
        project=draft_project,
        name="Kladde",
        description_short="Kladde.",
        contact_email="x@example.dk",
    )

    planted: dict[str, str] = {}
    skipped: set[str] = set()
    # Everything around the projects, and the register records' working copies: the fields
    # the snapshot leaves out, the return note, and an edit made after publication.
    plant(rows_around([project, draft_project]), planted, skipped)
    plant(get_user_model().objects.all(), planted, skipped, only={"first_name", "last_name"})
    plant(get_user_model().objects.all(), planted, skipped, only={"email"})
    return {
        "record": RegisterRecord.objects.get(pk=record.pk),
        "published": published,
        "planted": planted,
        "skipped": skipped,
        "project": project,
    }


def test_every_kind_of_record_got_markers(leak_world):
    """The planting reached every model around a project and every text field of them."""
    reached = {where.split(".")[0] for where in leak_world["planted"].values()}
    project_models = {
        model.__name__
        for model in apps.get_app_config("projects").get_models()
        if _project_links(model) and text_fields(model)
    }
    assert project_models <= reached, project_models - reached
    for name in ("Project", "RegisterRecord", "Supplier", "FundingRound", "Organisation"):
        assert name in reached
    assert {"RegisterRecord.return_note", "RegisterRecord.goal", "Project.summary"} <= set(
        leak_world["planted"].values()
    )
    # Only columns too narrow for a marker were left out.
    assert all(
        apps.get_model("projects", where.split(".")[0])
        ._meta.get_field(where.split(".")[1])
        .max_length
        < 11
        for where in leak_world["skipped"]
    )


def _public_urls() -> list[str]:
    """Every page of the site that takes no argument."""
    urls = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if "admin" in str(pattern.pattern):
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and not pattern.pattern.converters:
                route = prefix + str(pattern.pattern)
                if "<" not in route and "(" not in route and "^" not in route:
                    urls.append("/" + route)

    walk(get_resolver().url_patterns)
    return sorted(set(urls))


def public_answers(client, world) -> dict[str, str]:
    """Every public page and API answer, anonymously, with filters and searches."""
    record = world["record"]
    published = world["published"]
    unpublished_edit = next(
        value for value, where in world["planted"].items() if where == "RegisterRecord.goal"
    )
    detail = reverse("public_register_detail", args=[record.pk])
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    queries = [
        {},
        {"q": published["name"]},
        {"q": unpublished_edit},
        {"q": world["project"].title},
        {"status": "in_development"},
        {"organisation": world["project"].lead_organisation_id},
        {"theme": "health"},
        {"publication_category": "other"},
        {"updated_since": since},
        {"page": 2},
    ]
    answers = {}
    for url in _public_urls():
        answers[url] = client.get(url)
    for url in ("/register/", "/api/v1/register/records"):
        for query in queries:
            answers[f"{url}?{query}"] = client.get(url, query)
    for url in (
        "/register/export.json",
        "/register/export.csv",
        "/api/v1/register/export.json",
        "/api/v1/register/export.csv",
    ):
        for query in queries[:4]:
            answers[f"{url}?{query}"] = client.get(url, query)
    answers[detail] = client.get(detail)
    answers["api detail"] = client.get(f"/api/v1/register/records/{record.pk}")
    answers["unpublished detail"] = client.get(
        reverse("public_register_detail", args=[record.pk + 1])
    )
    answers["api unpublished"] = client.get(f"/api/v1/register/records/{record.pk + 1}")
    for url in ("/api/v1/portfolio/projects", "/api/v1/portfolio/figures"):
        answers[url] = client.get(url)
        answers[f"{url} (bad token)"] = client.get(url, HTTP_AUTHORIZATION="Bearer sgp_nope")
    answers["openapi"] = client.get("/api/v1/openapi.json")
    answers["docs"] = client.get("/api/v1/docs")
    bodies = {}
    for name, response in answers.items():
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8")
        # A search for a marker shows what the visitor typed (in the search box, the links
        # to the next page and the downloads): that is not a leak.
        bodies[name] = body.replace(unpublished_edit, "") if unpublished_edit in name else body
    return bodies


@pytest.mark.parametrize("language", ["da", "en"])
def test_nothing_behind_the_login_reaches_the_public(client, leak_world, language):
    client.cookies["django_language"] = language
    answers = public_answers(client, leak_world)
    leaks = {
        name: sorted(where for value, where in leak_world["planted"].items() if value in body)
        for name, body in answers.items()
    }
    assert {name: found for name, found in leaks.items() if found} == {}
    assert not any("LEAK" in body for body in answers.values())


def test_the_published_content_does_reach_the_public(client, leak_world):
    answers = public_answers(client, leak_world)
    published = leak_world["published"]
    detail = reverse("public_register_detail", args=[leak_world["record"].pk])
    for name in ("api detail", detail, "/register/export.json?{}", "/register/export.csv?{}"):
        body = answers[name]
        missing = [field for field, value in published.items() if value not in body]
        # The page lists the search terms nowhere: they only make the record findable.
        assert missing == ([] if name != detail else ["tags"]), (name, missing)
    for name in ("/register/?{}", "/api/v1/register/records?{}"):
        assert published["name"] in answers[name]
        assert published["description_short"] in answers[name]
    # Searching for the edit that was never published finds nothing.
    unpublished_edit = next(
        value for value, where in leak_world["planted"].items() if where == "RegisterRecord.goal"
    )
    search = answers[f"/api/v1/register/records?{ {'q': unpublished_edit} }"]
    assert '"count": 0' in search or '"count":0' in search
    # The snapshot's standard fields are all in the API's answer.
    for key, _label in REGISTER_FIELDS:
        assert f'"{key}"' in answers["api detail"]


def test_the_portfolio_is_there_for_the_agency_only(client, leak_world, reviewer):
    """The markers are reachable with an agency token (so the test above can fail)."""
    token = create_api_token(user=reviewer, name="Kontrol").secret
    response = client.get("/api/v1/portfolio/projects", HTTP_AUTHORIZATION=f"Bearer {token}")
    body = response.content.decode()
    title = next(v for v, where in leak_world["planted"].items() if where == "Project.title")
    assert response.status_code == 200 and title in body
    assert Role.REVIEWER in {m.role for m in reviewer.memberships.all()}
