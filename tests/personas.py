"""The organisations and people the tests share (tests/conftest.py makes each as a fixture;
a module whose tests only read them can make them once, with `module_rows`)."""

from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings

from projects.models import Role
from tests import factories

# Hashing strength is not under test; the default hasher makes each login cost 0.3 s.
TEST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def norddjurs():
    return factories.OrganisationFactory(name="Norddjurs Kommune", short_code="707")


def syddjurs():
    return factories.OrganisationFactory(name="Syddjurs Kommune", short_code="706")


def aarhus():
    return factories.OrganisationFactory(name="Aarhus Kommune", short_code="751")


def agency():
    return factories.AgencyFactory(name="Digitaliseringsstyrelsen")


def member(organisation, role):
    return factories.MembershipFactory(organisation=organisation, role=role).user


def lead_project(lead, participant):
    return factories.ProjectFactory(
        title="Intelligent journalisering", lead_organisation=lead, participants=[participant]
    )


def everyone() -> dict:
    """Every shared organisation and person, and the project, named as the fixtures are."""
    made = {
        "norddjurs": norddjurs(),
        "syddjurs": syddjurs(),
        "aarhus": aarhus(),
        "agency": agency(),
    }
    made["project"] = lead_project(made["norddjurs"], made["syddjurs"])
    made["coordinator"] = member(made["norddjurs"], Role.COORDINATOR)
    made["viewer"] = member(made["norddjurs"], Role.VIEWER)
    made["participant"] = member(made["syddjurs"], Role.COORDINATOR)
    made["participant_viewer"] = member(made["syddjurs"], Role.VIEWER)
    made["outsider"] = member(made["aarhus"], Role.COORDINATOR)
    made["reviewer"] = member(made["agency"], Role.REVIEWER)
    made["administrator"] = member(made["agency"], Role.ADMINISTRATOR)
    return made


@contextmanager
def module_rows(django_db_blocker):
    """Rows made once for the tests of a module, as Django's `setUpTestData` makes them: in a
    transaction of the module's own, which each test's transaction nests in as a savepoint,
    so what a test writes is undone after it, and the module's rows after the module."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=TEST_HASHERS),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)
