from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models.signals import post_migrate

from projects.models import Obligation, Role
from tests import personas
from tests.mail_server import mail_server  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def _test_server_settings(settings):
    # Tests speak plain HTTP to the test client; production redirects to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = personas.TEST_HASHERS
    # The manifest storage needs `collectstatic`; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _catalogue_after_a_flush(sender, using, **kwargs):
    """The database is emptied after each test that commits (a flush), the AI Act obligation
    catalogue that the migrations load included; the flush then signals `post_migrate`, as
    `migrate` does, and the catalogue is loaded again. So every test finds the database as
    migrated, whichever tests ran before it in the same process."""
    if sender.label == "projects" and not Obligation.objects.using(using).exists():
        call_command("load_obligations", stdout=StringIO())


post_migrate.connect(_catalogue_after_a_flush, dispatch_uid="tests-obligation-catalogue")


@pytest.fixture
def norddjurs(db):
    return personas.norddjurs()


@pytest.fixture
def syddjurs(db):
    return personas.syddjurs()


@pytest.fixture
def aarhus(db):
    return personas.aarhus()


@pytest.fixture
def agency(db):
    return personas.agency()


@pytest.fixture
def coordinator(norddjurs):
    """Coordinator of the lead organisation of `project`."""
    return personas.member(norddjurs, Role.COORDINATOR)


@pytest.fixture
def viewer(norddjurs):
    return personas.member(norddjurs, Role.VIEWER)


@pytest.fixture
def participant(syddjurs):
    """Coordinator of an organisation that takes part in `project`."""
    return personas.member(syddjurs, Role.COORDINATOR)


@pytest.fixture
def participant_viewer(syddjurs):
    """Viewer of an organisation that takes part in `project`."""
    return personas.member(syddjurs, Role.VIEWER)


@pytest.fixture
def outsider(aarhus):
    """Coordinator of an unrelated organisation."""
    return personas.member(aarhus, Role.COORDINATOR)


@pytest.fixture
def reviewer(agency):
    return personas.member(agency, Role.REVIEWER)


@pytest.fixture
def administrator(agency):
    return personas.member(agency, Role.ADMINISTRATOR)


@pytest.fixture
def project(norddjurs, syddjurs):
    return personas.lead_project(norddjurs, syddjurs)
