"""The benchmark's URL generators (tests/benchmark/workload.py) give distinct addresses that
the application answers, for the persona each page kind is requested as (without wrk)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tests.benchmark import workload

COUNT = 40
CATALOGUE = (
    Path(__file__).resolve().parent.parent / "projects" / "fixtures" / "ai_act_obligations.json"
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command(
            "seed_demo",
            "--projects",
            "50",
            "--seed",
            "7",
            "--today",
            "2026-03-02",
            stdout=StringIO(),
        )
        yield
        # Leave the database as migrated: empty but for the AI Act obligation catalogue.
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_obligations", str(CATALOGUE), stdout=StringIO())


@pytest.fixture
def kinds(world, db):
    return {kind.name: kind for kind in workload.page_kinds(COUNT)}


def test_every_page_kind_of_the_mixed_load(kinds):
    assert set(kinds) == {
        "portfolio_reviewer",
        "portfolio_coordinator",
        "project_page",
        "dashboard",
        "lessons_search",
        "admin_changelist",
    }


def test_addresses_are_distinct_and_answered(kinds):
    users = workload.users()
    for kind in kinds.values():
        assert len(kind.paths) == len(set(kind.paths)), kind.name
        assert len(kind.paths) == (1 if kind.single else COUNT), kind.name
        client = Client()
        client.force_login(users[kind.persona])
        for path in kind.paths:
            response = client.get(path)
            assert response.status_code == 200, (kind.name, path, response.status_code)


def test_addresses_come_from_the_filters_options(kinds):
    portfolio = kinds["portfolio_reviewer"].paths
    assert any("order=-" in path for path in portfolio)
    assert any("page=" in path for path in portfolio)
    assert all(
        path.startswith("/lessons/?") and "q=" in path for path in kinds["lessons_search"].paths
    )
    admin = kinds["admin_changelist"].paths
    assert any("__exact=" in path for path in admin)
    assert any("o=" in path for path in admin)


def test_same_seed_same_addresses(kinds):
    again = {kind.name: kind.paths for kind in workload.page_kinds(COUNT)}
    assert again == {name: kind.paths for name, kind in kinds.items()}
