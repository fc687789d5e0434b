"""Races between real HTTP requests to the live test server.

Each simulated person has their own HTTP client and session; requests are sent from several
threads released together, and the threaded live server gives every request its own database
connection and real transactions. Only PostgreSQL has the row locks, isolation and
concurrent writers these races are about; SQLite serialises every write, so the package is
skipped there.
"""

import itertools
import logging
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from projects.models import PhaseKind, Role
from tests import factories
from tests.concurrency.harness import RaceReport, ServerErrorLog, log_in

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason=f"concurrency races need PostgreSQL (concurrent transactions and row locks); "
        f"the database is {connection.vendor}"
    )
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings):
    # The live server speaks plain HTTP, and an HTTP client does not send secure cookies back
    # over it; production keeps them secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def people(live_server):
    """`people(user)`: that user signed in, in a browser of their own."""
    yield lambda user, label=None: log_in(live_server.url, user, label)
    _wait_for_server_connections_to_close()


def _wait_for_server_connections_to_close(timeout: float = 10.0) -> None:
    """A server thread closes its database connection just after sending its answer; wait
    for the last ones, or the flush after the test and the final drop of the test database
    may find the database still in use."""
    deadline = time.monotonic() + timeout
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            (others,) = cursor.fetchone()
        if not others or time.monotonic() > deadline:
            return
        time.sleep(0.05)


@pytest.fixture
def server_log():
    """The exceptions behind the server's 500 answers during the test."""
    handler = ServerErrorLog()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    # The report names each kind of error and where it was raised; dozens of identical
    # tracebacks on the console would bury it.
    propagate, logger.propagate = logger.propagate, False
    yield handler
    logger.propagate = propagate
    logger.removeHandler(handler)


@pytest.fixture
def race_report(server_log):
    return lambda title: RaceReport(title, server_log)


@pytest.fixture
def colleague(norddjurs):
    """A second coordinator of the lead organisation, working at the same time."""
    return factories.MembershipFactory(organisation=norddjurs, role=Role.COORDINATOR).user


@pytest.fixture
def new_project(norddjurs, syddjurs):
    """A fresh project per race, so that races do not share rows: led by Norddjurs, with
    Syddjurs taking part, its first phase open and an older green status as its current one."""
    counter = itertools.count(1)

    def create():
        project = factories.ProjectFactory(
            title=f"Kapløbsprojekt {next(counter)}",
            lead_organisation=norddjurs,
            participants=[syddjurs],
            current_phase=PhaseKind.CLARIFICATION,
            current_status="green",
            last_status_on=date(2022, 6, 1),
        )
        factories.PhaseFactory(project=project, kind=PhaseKind.CLARIFICATION)
        factories.StatusUpdateFactory(project=project, reported_on=date(2022, 6, 1))
        return project

    return create
