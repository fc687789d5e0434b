"""Signing in through the organisation's identity provider, in Chromium, against the real
test provider (tests/oidc_provider): the login page, the provider's own login form and
consent, and back to the organisation's projects. Screenshots of each step."""

import copy
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from projects.models import ExternalIdentity, Membership, Role
from projects.services.invitations import invite
from sigprojects.oidc_env import provider_origins
from tests import factories
from tests.oidc_support import oidc_provider, person  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

NORDDJURS_CVR = "29189714"


@pytest.fixture
def provider(oidc_provider, live_server, settings):  # noqa: F811
    oidc_provider.allow_redirect(f"{live_server.url}/oidc/test/callback/")
    settings.OIDC_PROVIDERS = [oidc_provider.config()]
    # As the settings do for the providers configured in the environment.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] += provider_origins(settings.OIDC_PROVIDERS)
    settings.CONTENT_SECURITY_POLICY = policy
    return oidc_provider


@pytest.fixture
def norddjurs_project(transactional_db):
    norddjurs = factories.OrganisationFactory(
        name="Norddjurs Kommune", short_code="707", cvr=NORDDJURS_CVR
    )
    return factories.ProjectFactory(title="Intelligent journalisering", lead_organisation=norddjurs)


def sign_in_at_provider(page, screenshot, provider, username: str):
    """The provider's own pages: its login form, then its consent."""
    page.wait_for_url(re.compile(re.escape(provider.issuer.rsplit("/", 1)[0]) + "/accounts/login/"))
    screenshot(page, "provider-login")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("udbyder-kode-2026")
    page.get_by_role("button", name="Log ind hos udbyderen").click()
    consent = page.get_by_role("button", name="Authorize")
    expect(consent).to_be_visible()
    screenshot(page, "provider-consent")
    consent.click()


def test_a_coordinator_signs_in_through_the_provider(
    new_page, screenshot, provider, norddjurs_project, live_server
):
    provider.set_people({"anna": {"sub": "anna-1", "claims": person()}})
    page = new_page()
    page.goto("/login/")
    screenshot(page, "login-page")

    page.get_by_role("link", name="Log ind med Testudbyder").click()
    sign_in_at_provider(page, screenshot, provider, "anna")

    page.wait_for_url(f"{live_server.url}/projects/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine projekter")
    expect(page.get_by_role("link", name="Intelligent journalisering")).to_be_visible()
    screenshot(page, "projects")
    membership = Membership.objects.get(user__external_identities__subject="anna-1")
    assert (membership.organisation.cvr, membership.role) == (NORDDJURS_CVR, Role.COORDINATOR)


def test_a_refusal_is_explained_on_the_login_page(
    new_page, screenshot, provider, norddjurs_project, live_server
):
    provider.set_people({"anna": {"claims": person(cvr="12345678")}})
    page = new_page()
    page.goto("/login/")
    page.get_by_role("link", name="Log ind med Testudbyder").click()
    sign_in_at_provider(page, screenshot, provider, "anna")

    page.wait_for_url(f"{live_server.url}/login/")
    expect(page.get_by_role("status")).to_contain_text("CVR 12345678")
    screenshot(page, "refused")
    assert not ExternalIdentity.objects.exists()


def test_an_invited_coordinator_signs_in_and_lands_on_the_organisations_projects(
    new_page, screenshot, provider, norddjurs_project, live_server
):
    norddjurs = norddjurs_project.lead_organisation
    inviter = factories.MembershipFactory(organisation=norddjurs, role=Role.COORDINATOR).user
    invite(
        email="anna.berg@norddjurs.dk",
        organisation=norddjurs,
        role=Role.COORDINATOR,
        invited_by=inviter,
        site_url=live_server.url,
    )
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    # The provider vouches for the person and the organisation, but gives no role.
    provider.set_people({"anna": {"sub": "anna-1", "claims": person(roles=[])}})

    page = new_page()
    page.goto(link)
    screenshot(page, "invitation")
    page.get_by_role("button", name="Log ind med Testudbyder").click()
    sign_in_at_provider(page, screenshot, provider, "anna")

    page.wait_for_url(f"{live_server.url}/projects/")
    expect(page.get_by_role("link", name="Intelligent journalisering")).to_be_visible()
    screenshot(page, "projects")
    membership = Membership.objects.get(user__external_identities__subject="anna-1")
    assert (membership.organisation, membership.role) == (norddjurs, Role.COORDINATOR)
    assert membership.user.email == "anna.berg@norddjurs.dk"
