"""Figures and filter choices kept per state of the database (projects/selectors/kept.py):
kept only while the data is the same, recomputed after any committed write, and computed in
one snapshot however many writes commit meanwhile. PostgreSQL only: SQLite computes them
every time."""

import re
import threading

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import Organisation, TrafficLight
from projects.selectors import kept as kept_module
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has no snapshot to keep figures by"
    ),
]


@pytest.fixture(autouse=True)
def _nothing_kept():
    kept_module.forget()
    yield
    kept_module.forget()


def _quietly(step, attempts=50):
    """`step()`'s result from a run during which no transaction ended anywhere in the
    PostgreSQL cluster: another process's write (another test worker's) changes the snapshot
    and rightly makes figures recomputed, so such a run is repeated."""
    for _ in range(attempts):
        kept_module.forget()
        before = kept_module._snapshot()
        result = step()
        if kept_module._snapshot() == before:
            return result
    pytest.fail(f"other processes wrote to the database during each of {attempts} runs")


def _dashboard(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    red = response.context["attention"]["red"]
    # The tables are kept rendered with the figures: the page shows the same count.
    link = re.search(r'current_status=red&amp;closed=exclude">(\d+)</a>', response.content.decode())
    assert link and int(link.group(1)) == red
    return response["X-Cache"], red


def test_the_dashboard_is_kept_until_a_write_commits(client, reviewer, coordinator, project):
    factories.PhaseFactory(project=project)
    client.force_login(reviewer)
    assert _quietly(lambda: [_dashboard(client), _dashboard(client)]) == [
        ("miss", 0),
        ("hit", 0),
    ]
    update = factories.StatusUpdateFactory.build(project=project, overall_status=TrafficLight.RED)
    services.log_status_update(update=update, author=coordinator)
    # The write made the figures kept before it stale: they are computed again.
    assert _dashboard(client) == ("miss", 1)
    assert _quietly(lambda: [_dashboard(client), _dashboard(client)]) == [
        ("miss", 1),
        ("hit", 1),
    ]


def _commit_elsewhere(name):
    """Another connection's write (another request's), committed now."""

    def write():
        try:
            factories.OrganisationFactory(name=name)
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()


def test_figures_are_those_of_one_snapshot_while_writes_commit(reviewer, project):
    def compute():
        before = Organisation.objects.count()
        # Another request's write commits while the figures are being computed.
        _commit_elsewhere(f"Kommune {before}")
        return before, Organisation.objects.count()

    # Every query of the figures saw the data of the first one: the numbers agree.
    (before, after), state = kept_module.kept("figures", "test", compute)
    assert (state, after) == ("miss", before)
    # The write ended a transaction: the snapshot is new, the figures are computed again.
    (again, after), state = kept_module.kept("figures", "test", compute)
    assert (state, again, after) == ("miss", before + 1, before + 1)

    def quiet():
        return "same"

    assert _quietly(
        lambda: [kept_module.kept("quiet", "test", quiet), kept_module.kept("quiet", "test", quiet)]
    ) == [("same", "miss"), ("same", "hit")]


def test_figures_are_computed_without_writing(reviewer):
    with pytest.raises(DatabaseError, match="read-only transaction"):
        kept_module.kept("figures", "test", lambda: factories.OrganisationFactory(name="X"))
    assert not Organisation.objects.filter(name="X").exists()
    # The connection writes again as before.
    with transaction.atomic():
        factories.OrganisationFactory(name="Y")
    assert Organisation.objects.filter(name="Y").exists()


def test_figures_are_kept_by_scope_and_language(reviewer):
    def step():
        found = [
            kept_module.kept("figures", "a", lambda: "a"),
            kept_module.kept("figures", "b", lambda: "b"),
            kept_module.kept("figures", "a", lambda: "other"),
        ]
        with translation.override("en"):
            found.append(kept_module.kept("figures", "a", lambda: "en"))
        return found

    assert _quietly(step) == [("a", "miss"), ("b", "miss"), ("a", "hit"), ("en", "miss")]


def test_inside_a_transaction_nothing_is_kept(reviewer):
    with transaction.atomic():
        assert kept_module.kept("figures", "a", lambda: 1) == (1, "off")
        assert kept_module.kept("figures", "a", lambda: 2) == (2, "off")


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _organisation_choices(client):
    response = client.get(reverse("project_list"))
    assert response.status_code == 200
    field = response.context["filter"].form.fields["lead_organisation"]
    return [label for value, label in field.choices if value]


def test_filter_choices_are_kept_per_set_of_readable_projects(reviewer, coordinator):
    """The portfolio's organisation choices are kept for the agency and for each set of
    organisations apart: nobody is offered the lead of a project they may not read, and a new
    lead is offered from the next request on."""
    own = coordinator.memberships.get().organisation
    other = factories.OrganisationFactory(name="Anden Kommune")
    factories.ProjectFactory(lead_organisation=own, title="Egen")
    factories.ProjectFactory(lead_organisation=other, title="Andres")
    clients = {
        "coordinator": _signed_in(coordinator),
        "stranger": _signed_in(factories.MembershipFactory(organisation=other).user),
        "reviewer": _signed_in(reviewer),
    }

    def step():
        seen = {who: _organisation_choices(client) for who, client in clients.items()}
        return {**seen, "again": _organisation_choices(clients["coordinator"])}

    seen = _quietly(step)
    assert seen["coordinator"] == seen["again"] == [own.name]
    assert seen["stranger"] == [other.name]
    assert seen["reviewer"] == sorted([own.name, other.name])
    assert {key[1] for key in kept_module._kept if key[0] == "ProjectFilter.choices"} == {
        f"organisations:{own.pk}",
        f"organisations:{other.pk}",
        "agency",
    }
    # Its organisation takes part in a project of a third: that lead is offered at once.
    third = factories.OrganisationFactory(name="Tredje Region")
    factories.ProjectFactory(lead_organisation=third, participants=[own], title="Fælles")
    assert _organisation_choices(clients["coordinator"]) == sorted([own.name, third.name])


def test_lesson_choices_are_kept_per_set_of_readable_lessons(reviewer, coordinator):
    """The lessons library offers the organisations behind the lessons each reader may read:
    a lesson kept to its project names its organisation to the agency and the project's own
    organisations only, a shared one to everyone."""
    from projects.models import LessonVisibility

    own = coordinator.memberships.get().organisation
    private, shared = (factories.OrganisationFactory(name=name) for name in ("Privat", "Delt"))
    factories.LessonFactory(project=factories.ProjectFactory(lead_organisation=own))
    factories.LessonFactory(
        project=factories.ProjectFactory(lead_organisation=private),
        visibility=LessonVisibility.PROJECT,
    )
    factories.LessonFactory(
        project=factories.ProjectFactory(lead_organisation=shared),
        visibility=LessonVisibility.PORTFOLIO,
    )
    clients = {
        "coordinator": _signed_in(coordinator),
        "private": _signed_in(factories.MembershipFactory(organisation=private).user),
        "reviewer": _signed_in(reviewer),
    }

    def choices(client):
        response = client.get(reverse("lesson_list"))
        assert response.status_code == 200
        field = response.context["filter"].form.fields["organisation"]
        return [label for value, label in field.choices if value]

    def step():
        seen = {who: choices(client) for who, client in clients.items()}
        return {**seen, "again": choices(clients["coordinator"])}

    seen = _quietly(step)
    assert seen["coordinator"] == seen["again"] == sorted([own.name, shared.name])
    assert seen["private"] == sorted([private.name, shared.name])
    assert seen["reviewer"] == sorted([own.name, private.name, shared.name])
