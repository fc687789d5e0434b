import pytest

from projects.models import Role
from tests import factories
from tests.mail_server import mail_server  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def _test_server_settings(settings):
    # Tests speak plain HTTP to the test client; production redirects to HTTPS.
    settings.SECURE_SSL_REDIRECT = False
    # Hashing strength is not under test; the default hasher makes each login cost 0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The manifest storage needs `collectstatic`; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def norddjurs(db):
    return factories.OrganisationFactory(name="Norddjurs Kommune", short_code="707")


@pytest.fixture
def syddjurs(db):
    return factories.OrganisationFactory(name="Syddjurs Kommune", short_code="706")


@pytest.fixture
def aarhus(db):
    return factories.OrganisationFactory(name="Aarhus Kommune", short_code="751")


@pytest.fixture
def agency(db):
    return factories.AgencyFactory(name="Digitaliseringsstyrelsen")


@pytest.fixture
def coordinator(norddjurs):
    """Coordinator of the lead organisation of `project`."""
    return factories.MembershipFactory(organisation=norddjurs, role=Role.COORDINATOR).user


@pytest.fixture
def viewer(norddjurs):
    return factories.MembershipFactory(organisation=norddjurs, role=Role.VIEWER).user


@pytest.fixture
def participant(syddjurs):
    """Coordinator of an organisation that takes part in `project`."""
    return factories.MembershipFactory(organisation=syddjurs, role=Role.COORDINATOR).user


@pytest.fixture
def participant_viewer(syddjurs):
    """Viewer of an organisation that takes part in `project`."""
    return factories.MembershipFactory(organisation=syddjurs, role=Role.VIEWER).user


@pytest.fixture
def outsider(aarhus):
    """Coordinator of an unrelated organisation."""
    return factories.MembershipFactory(organisation=aarhus, role=Role.COORDINATOR).user


@pytest.fixture
def reviewer(agency):
    return factories.MembershipFactory(organisation=agency, role=Role.REVIEWER).user


@pytest.fixture
def administrator(agency):
    return factories.MembershipFactory(organisation=agency, role=Role.ADMINISTRATOR).user


@pytest.fixture
def project(norddjurs, syddjurs):
    return factories.ProjectFactory(
        title="Intelligent journalisering", lead_organisation=norddjurs, participants=[syddjurs]
    )
