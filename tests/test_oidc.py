"""Sign-in through an OpenID Connect provider, end to end against a real provider
(tests/oidc_provider, django-oauth-toolkit, its own process on loopback): the application's
side runs in the test client, the provider's login form and consent are driven over HTTP."""

import json
from datetime import timedelta
from unittest import mock

import pytest
import requests
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from projects.backends import ProviderOIDCBackend
from projects.models import ExternalIdentity, Invitation, Membership, Role
from sigprojects.oidc_env import parse_providers
from tests import factories
from tests.oidc_support import oidc_provider, person, sign_in, with_query  # noqa: F401

NORDDJURS_CVR = "29189714"
SYDDJURS_CVR = "29189730"
AGENCY_CVR = "34051178"


@pytest.fixture
def op(oidc_provider, settings, norddjurs, syddjurs, agency):  # noqa: F811
    norddjurs.cvr = NORDDJURS_CVR
    norddjurs.save()
    syddjurs.cvr = SYDDJURS_CVR
    syddjurs.save()
    agency.cvr = AGENCY_CVR
    agency.save()
    settings.OIDC_PROVIDERS = [oidc_provider.config()]
    oidc_provider.set_people({})
    return oidc_provider


def counts():
    return (
        get_user_model().objects.count(),
        ExternalIdentity.objects.count(),
        Membership.objects.count(),
    )


def refusal(response) -> str:
    """The message the login page shows; the page must be the login page."""
    assert response.redirect_chain[-1][0].startswith("/login/"), response.redirect_chain
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1, shown
    assert not response.wsgi_request.user.is_authenticated
    return shown[0]


# The login page


def test_login_page_offers_no_provider_when_none_is_configured(client, db, settings):
    settings.OIDC_PROVIDERS = []
    page = client.get("/login/").content.decode()
    assert "/oidc/" not in page
    assert "Log ind med" not in page


def test_login_page_offers_one_button_per_provider(
    client,
    db,
    settings,
    oidc_provider,  # noqa: F811
):
    settings.OIDC_PROVIDERS = [
        oidc_provider.config(),
        oidc_provider.config(key="kombit", label="KOMBIT Context Handler"),
    ]
    page = client.get("/login/").content.decode()
    assert page.count('href="/oidc/') == 2
    assert 'href="/oidc/test/login/">Log ind med Testudbyder</a>' in page
    assert 'href="/oidc/kombit/login/">Log ind med KOMBIT Context Handler</a>' in page


def test_an_unknown_provider_is_not_found(client, op):
    assert client.get("/oidc/nowhere/login/").status_code == 404
    assert client.get("/oidc/nowhere/callback/?code=x&state=y").status_code == 404


# The happy path and matching


def test_first_sign_in_creates_the_person_and_lands_on_their_projects(client, op, project):
    op.set_people({"anna": {"sub": "anna-1", "claims": person()}})
    start = client.get("/oidc/test/login/")
    # Authorisation code flow with PKCE (S256) and a nonce.
    assert start["Location"].startswith(op.issuer + "/authorize/")
    assert "code_challenge_method=S256" in start["Location"]
    assert "nonce=" in start["Location"] and "response_type=code" in start["Location"]

    response = sign_in(client, "anna")

    assert response.redirect_chain[-1][0] == "/projects/"
    assert project.title in response.content.decode()
    identity = ExternalIdentity.objects.get()
    assert (identity.issuer, identity.subject, identity.provider_key) == (
        op.issuer,
        "anna-1",
        "test",
    )
    user = identity.user
    assert (user.first_name, user.last_name, user.email) == (
        "Anna",
        "Berg",
        "anna.berg@norddjurs.dk",
    )
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organisation.cvr, membership.role) == (NORDDJURS_CVR, Role.COORDINATOR)


def test_the_same_subject_signs_in_as_the_same_user(client, op):
    op.set_people({"anna": {"sub": "anna-1", "claims": person()}})
    sign_in(client, "anna")
    client.logout()
    before = counts()
    op.set_people({"anna": {"sub": "anna-1", "claims": person(email="anna@elsewhere.dk")}})

    response = sign_in(client, "anna")

    assert response.wsgi_request.user.is_authenticated
    assert counts() == before


def test_a_user_is_never_matched_by_e_mail_alone(client, op, norddjurs):
    existing = factories.MembershipFactory(
        organisation=norddjurs,
        role=Role.VIEWER,
        user=factories.UserFactory(email="anna.berg@norddjurs.dk"),
    ).user
    op.set_people({"anna": {"sub": "anna-1", "claims": person()}})

    response = sign_in(client, "anna")

    assert response.wsgi_request.user.pk != existing.pk
    assert not ExternalIdentity.objects.filter(user=existing).exists()


def test_the_discovery_document_is_fetched_once_for_many_sign_ins(client, op):
    op.set_people({"anna": {"sub": "anna-1", "claims": person()}})
    with mock.patch("projects.oidc.requests.get", wraps=requests.get) as fetch:
        sign_in(client, "anna")
        client.logout()
        sign_in(client, "anna")
    fetched = [call.args[0] for call in fetch.call_args_list]
    assert fetched.count(op.issuer + "/.well-known/openid-configuration") == 1
    assert fetched.count(op.issuer + "/.well-known/jwks.json") == 1


# Refusals: a clear message on the login page, nothing created


def test_an_unknown_organisation_is_refused_and_nothing_created(client, op):
    op.set_people({"anna": {"claims": person(cvr="12345678")}})
    before = counts()

    message = refusal(sign_in(client, "anna"))

    assert "CVR 12345678" in message and "bruger ikke sigprojects" in message
    assert counts() == before


def test_a_missing_organisation_claim_is_refused(client, op):
    op.set_people({"anna": {"claims": person(cvr=None)}})
    before = counts()

    message = refusal(sign_in(client, "anna"))

    assert "intet CVR-nummer" in message
    assert counts() == before


@pytest.mark.parametrize("loa", ["low", None, "very high"])
def test_too_low_or_missing_assurance_is_refused(client, op, loa):
    op.set_people({"anna": {"claims": person(loa=loa)}})
    before = counts()

    message = refusal(sign_in(client, "anna"))

    assert "sikringsniveau (mindst “betydelig” kræves)" in message
    assert counts() == before


def test_the_nsis_assurance_uri_counts_by_its_level(client, op):
    op.set_people(
        {"anna": {"claims": person(loa="https://data.gov.dk/concept/core/nsis/loa/High")}}
    )
    assert sign_in(client, "anna").wsgi_request.user.is_authenticated


def test_the_role_claim_gives_the_mapped_role(client, op):
    op.set_people({"bo": {"sub": "bo-1", "claims": person(roles=["sig-laeser", "other"])}})

    sign_in(client, "bo")

    membership = Membership.objects.get(user__external_identities__subject="bo-1")
    assert membership.role == Role.VIEWER


def test_a_first_time_person_without_role_or_invitation_is_refused(client, op):
    op.set_people({"bo": {"claims": person(roles=["unmapped-role"])}})
    before = counts()

    message = refusal(sign_in(client, "bo"))

    assert "Bed en koordinator" in message
    assert counts() == before


def test_agency_membership_never_comes_from_another_providers_claim(client, op):
    op.set_people({"eve": {"claims": person(cvr=AGENCY_CVR, roles=["sig-koordinator"])}})
    before = counts()

    message = refusal(sign_in(client, "eve"))

    assert "Digitaliseringsstyrelsen" in message
    assert counts() == before


def test_a_provider_vouches_only_for_its_own_organisations(client, op, settings):
    settings.OIDC_PROVIDERS = [op.config(cvrs=[SYDDJURS_CVR])]
    op.set_people({"anna": {"claims": person()}})
    before = counts()

    message = refusal(sign_in(client, "anna"))

    assert "Norddjurs Kommune" in message and "egen identitetsudbyder" in message
    assert counts() == before


def test_the_agencys_own_provider_may_give_agency_roles(client, op, settings):
    settings.OIDC_PROVIDERS = [
        op.config(
            agency=True, roles={"sig-portefolje": "reviewer", "sig-koordinator": "coordinator"}
        )
    ]
    op.set_people(
        {"eve": {"sub": "eve-1", "claims": person(cvr=AGENCY_CVR, roles=["sig-portefolje"])}}
    )

    sign_in(client, "eve")

    membership = Membership.objects.get(user__external_identities__subject="eve-1")
    assert (membership.organisation.is_agency, membership.role) == (True, Role.REVIEWER)


# Invitations


def _invitation(organisation, inviter, email="anna.berg@norddjurs.dk", role=Role.COORDINATOR):
    invitation = Invitation(email=email, organisation=organisation, role=role, invited_by=inviter)
    token = invitation.issue_token()
    invitation.save()
    return invitation, token


def _carry(client, token):
    session = client.session
    session["invitation_token"] = token
    session.save()


def test_an_invitation_gives_organisation_and_role(client, op, norddjurs, coordinator):
    invitation, token = _invitation(norddjurs, coordinator, role=Role.VIEWER)
    op.set_people({"anna": {"sub": "anna-1", "claims": person(roles=[])}})
    _carry(client, token)

    response = sign_in(client, "anna")

    assert response.redirect_chain[-1][0] == "/projects/"
    user = response.wsgi_request.user
    assert Membership.objects.get(user=user).role == Role.VIEWER
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert "invitation_token" not in client.session


def test_an_invitation_to_another_organisation_is_refused(client, op, syddjurs, participant):
    invitation, token = _invitation(syddjurs, participant)
    op.set_people({"anna": {"claims": person(roles=[])}})
    _carry(client, token)
    before = counts()

    message = refusal(sign_in(client, "anna"))

    assert "Syddjurs Kommune" in message and "Norddjurs Kommune" in message
    assert counts() == before
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_expired_invitation_is_refused_and_nothing_created(client, op, norddjurs, coordinator):
    invitation, token = _invitation(norddjurs, coordinator)
    long_ago = invitation.created_at - timedelta(days=30)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=long_ago, expires_at=long_ago + timedelta(days=14)
    )
    op.set_people({"anna": {"claims": person(roles=[])}})
    _carry(client, token)
    before = counts()

    message = refusal(sign_in(client, "anna"))

    assert "udløbet" in message
    assert counts() == before
    # The link is not tried again on the next attempt.
    assert "invitation_token" not in client.session


def test_an_invitation_that_fails_while_accepted_leaves_nothing_behind(
    client, op, norddjurs, coordinator
):
    from django.core.exceptions import ValidationError

    _, token = _invitation(norddjurs, coordinator)
    op.set_people({"anna": {"claims": person(roles=["sig-laeser"])}})
    _carry(client, token)
    before = counts()

    with mock.patch(
        "projects.services.invitations.accept_invitation",
        side_effect=ValidationError("Invitationen er allerede brugt."),
    ):
        message = refusal(sign_in(client, "anna"))

    assert message == "Invitationen er allerede brugt."
    assert counts() == before


# Tampering and forgery


def test_a_changed_state_is_refused(client, op):
    op.set_people({"anna": {"claims": person()}})
    before = counts()

    response = sign_in(client, "anna", change_answer=lambda url: with_query(url, state="forged"))

    assert "kunne ikke gennemføres" in refusal(response)
    assert counts() == before


def test_an_answer_cannot_be_replayed(client, op):
    op.set_people({"anna": {"claims": person()}})
    answers = []
    sign_in(client, "anna", change_answer=lambda url: answers.append(url) or url)
    client.logout()

    response = client.get(answers[0].split("testserver", 1)[1], follow=True)

    assert "kunne ikke gennemføres" in refusal(response)


def test_a_changed_nonce_is_refused(client, op):
    op.set_people({"anna": {"claims": person()}})
    before = counts()

    response = sign_in(
        client, "anna", change_request=lambda url: with_query(url, nonce="attacker-nonce")
    )

    assert "kunne ikke verificeres" in refusal(response)
    assert counts() == before


def test_a_token_signed_with_another_key_is_refused(client, op):
    op.set_people({"mallory": {"claims": person(), "rogue_key": True}})
    before = counts()

    message = refusal(sign_in(client, "mallory"))

    assert "kunne ikke verificeres" in message
    assert counts() == before


def test_a_token_for_another_application_is_refused(client, op):
    op.set_people({"anna": {"claims": person()}})
    configure = ProviderOIDCBackend.configure

    def expecting_another_audience(backend, provider):
        metadata = configure(backend, provider)
        backend.OIDC_RP_CLIENT_ID = "another-application"
        return metadata

    with mock.patch.object(ProviderOIDCBackend, "configure", expecting_another_audience):
        message = refusal(sign_in(client, "anna"))

    assert "kunne ikke verificeres" in message
    assert not ExternalIdentity.objects.exists()


# Passwords switched off per organisation


def _password_login(client, user):
    return client.post(
        "/login/", {"username": user.username, "password": "correct horse battery staple"}
    )


def test_password_sign_in_can_be_turned_off_for_an_organisation(client, coordinator, norddjurs):
    norddjurs.password_login_allowed = False
    norddjurs.save()

    response = _password_login(client, coordinator)

    assert response.status_code == 200
    assert "logger ind via sin identitetsudbyder" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    # The backend itself refuses, whatever form or view asks.
    request = RequestFactory().post("/login/")
    assert (
        authenticate(
            request, username=coordinator.username, password="correct horse battery staple"
        )
        is None
    )


def test_a_wrong_password_says_nothing_about_the_organisations_setting(
    client, coordinator, norddjurs
):
    norddjurs.password_login_allowed = False
    norddjurs.save()
    response = client.post("/login/", {"username": coordinator.username, "password": "wrong"})
    assert "identitetsudbyder" not in response.content.decode()


def test_other_organisations_keep_their_passwords(client, coordinator, participant, norddjurs):
    norddjurs.password_login_allowed = False
    norddjurs.save()
    assert _password_login(client, participant).status_code == 302


def test_agency_administrators_keep_a_break_glass_password(
    client, administrator, agency, norddjurs
):
    factories.MembershipFactory(user=administrator, organisation=norddjurs, role=Role.VIEWER)
    norddjurs.password_login_allowed = False
    norddjurs.save()
    assert _password_login(client, administrator).status_code == 302
    client.logout()

    agency.password_login_allowed = False
    agency.save()
    assert _password_login(client, administrator).status_code == 200


def test_agency_reviewers_have_no_break_glass_password(
    client, reviewer, administrator, agency, norddjurs
):
    # Another user is the agency's administrator; that gives the reviewer nothing.
    factories.MembershipFactory(user=reviewer, organisation=norddjurs, role=Role.VIEWER)
    norddjurs.password_login_allowed = False
    norddjurs.save()
    assert _password_login(client, reviewer).status_code == 200


def test_superusers_keep_a_break_glass_password(client, norddjurs):
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    factories.MembershipFactory(user=superuser, organisation=norddjurs, role=Role.COORDINATOR)
    norddjurs.password_login_allowed = False
    norddjurs.save()
    assert _password_login(client, superuser).status_code == 302


# Configuration from the environment


def test_providers_are_read_from_json_with_defaults_and_secret_from_environment():
    raw = json.dumps(
        [{"key": "kombit", "label": "KOMBIT", "issuer": "https://idp.example/", "client_id": "c"}]
    )
    (provider,) = parse_providers(raw, environ={"OIDC_KOMBIT_CLIENT_SECRET": "s"})
    assert provider["client_secret"] == "s"
    assert provider["issuer"] == "https://idp.example"
    assert (provider["cvr_claim"], provider["min_assurance"], provider["agency"]) == (
        "cvr",
        "substantial",
        False,
    )
    assert parse_providers("", environ={}) == []


BASE = {"key": "k", "label": "x", "issuer": "https://i", "client_id": "c"}


@pytest.mark.parametrize(
    "changes, complaint",
    [
        ({"key": None}, "'key'"),
        ({"key": "A B"}, "key must"),
        ({"issuer": "ftp://i"}, "issuer"),
        ({"roles": {"a": "administrator"}}, "agency"),
        ({"min_assurance": "x"}, "min_assurance"),
        ({"colour": "red"}, "unknown"),
    ],
)
def test_a_malformed_provider_stops_the_start(changes, complaint):
    item = {key: value for key, value in {**BASE, **changes}.items() if value is not None}
    with pytest.raises(ImproperlyConfigured, match=complaint):
        parse_providers(json.dumps([item]), environ={})


def test_malformed_json_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="not valid JSON"):
        parse_providers("[{", environ={})


def test_external_identities_are_unique_per_issuer_and_subject(db):
    from django.db import IntegrityError, transaction

    user = factories.UserFactory()
    ExternalIdentity.objects.create(user=user, issuer="https://i", subject="s")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExternalIdentity.objects.create(
            user=factories.UserFactory(), issuer="https://i", subject="s"
        )


def test_cvr_numbers_are_eight_digits_and_unique(db, norddjurs, syddjurs):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    norddjurs.cvr = "1234567"
    with pytest.raises(ValidationError):
        norddjurs.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        norddjurs.save()
    norddjurs.cvr = NORDDJURS_CVR
    norddjurs.save()
    syddjurs.cvr = NORDDJURS_CVR
    with pytest.raises(IntegrityError), transaction.atomic():
        syddjurs.save()
