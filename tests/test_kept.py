"""Figures kept per state of the database (projects/selectors/kept.py): kept only while the
data is the same, recomputed after any committed write, and never kept when a transaction
ended while they were computed. PostgreSQL only: SQLite computes them every time."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import TrafficLight
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


def test_figures_computed_while_a_transaction_ended_are_not_kept(reviewer, project):
    calls = []

    def compute():
        calls.append(1)
        # Another request's write commits while the figures are being computed.
        factories.OrganisationFactory(name=f"Kommune {len(calls)}")
        return len(calls)

    assert kept_module.kept("figures", "test", compute) == (1, "miss")
    assert kept_module.kept("figures", "test", compute) == (2, "miss")

    def quiet():
        return "same"

    assert _quietly(
        lambda: [kept_module.kept("quiet", "test", quiet), kept_module.kept("quiet", "test", quiet)]
    ) == [("same", "miss"), ("same", "hit")]


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
    from django.db import transaction

    with transaction.atomic():
        assert kept_module.kept("figures", "a", lambda: 1) == (1, "off")
        assert kept_module.kept("figures", "a", lambda: 2) == (2, "off")
