"""Invitations: who may invite whom to what, the e-mail, single use, expiry, withdrawal,
acceptance (new account, signed-in account, identity provider), the throttle and the list."""

from datetime import timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Invitation, Membership, Role
from projects.models.invitations import hash_token
from projects.services.invitations import (
    InvitationUnusable,
    accept_invitation,
    invite,
    resend_invitation,
    withdraw_invitation,
)
from tests import factories

pytestmark = pytest.mark.django_db
SITE = "http://testserver/"
PASSWORD = "Lang-og-sikker-2026"


def token_from(message) -> str:
    link = next(line for line in message.body.splitlines() if "/invitations/" in line)
    return link.rstrip("/").rsplit("/", 1)[-1]


def send(client, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("invitation_create"), data)


# --- who may invite whom to what ---------------------------------------------------------


def test_a_coordinator_invites_a_colleague_to_their_own_organisation(
    client, coordinator, norddjurs, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response = send(
        client,
        {"email": "Ny.Kollega@Example.org", "organisation": norddjurs.pk, "role": "viewer"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organisation, invitation.role) == (
        "ny.kollega@example.org",
        norddjurs,
        Role.VIEWER,
    )
    assert invitation.invited_by == coordinator
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.kollega@example.org"]
    assert "Norddjurs Kommune" in message.subject
    # Danish by default; the raw token is only in the e-mail, never stored.
    assert "har inviteret dig" in message.body
    token = token_from(message)
    assert invitation.token_hash == hash_token(token)
    assert token not in str(Invitation.objects.values().get())
    page = client.get(reverse("invitation_list")).content.decode()
    assert "ny.kollega@example.org" in page and token not in page


def test_the_email_is_in_the_inviters_language(
    client, coordinator, norddjurs, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    send(
        client,
        {"email": "colleague@example.org", "organisation": norddjurs.pk, "role": "viewer"},
        django_capture_on_commit_callbacks,
    )
    assert "has invited you to join Norddjurs Kommune" in mail.outbox[0].body
    assert Invitation.objects.get().language == "en"


def test_a_coordinator_cannot_invite_to_another_organisation(client, coordinator, aarhus):
    client.force_login(coordinator)
    response = client.post(
        reverse("invitation_create"),
        {"email": "x@example.org", "organisation": aarhus.pk, "role": "viewer"},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Invitation.objects.exists()
    offered = set(response.context["form"].fields["organisation"].queryset)
    assert aarhus not in offered


def test_a_coordinator_cannot_invite_above_their_role(client, coordinator, norddjurs):
    client.force_login(coordinator)
    response = client.post(
        reverse("invitation_create"),
        {"email": "x@example.org", "organisation": norddjurs.pk, "role": "administrator"},
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()
    # The model refuses it on every path, the ORM included.
    with pytest.raises(ValidationError):
        Invitation.objects.create(
            email="x@example.org",
            organisation=norddjurs,
            role=Role.ADMINISTRATOR,
            invited_by=coordinator,
        )


def test_the_model_refuses_an_invitation_by_someone_who_may_not_invite(
    viewer, norddjurs, aarhus, coordinator
):
    with pytest.raises(ValidationError):
        Invitation.objects.create(
            email="x@example.org", organisation=norddjurs, role=Role.VIEWER, invited_by=viewer
        )
    with pytest.raises(ValidationError):
        Invitation.objects.create(
            email="x@example.org", organisation=aarhus, role=Role.VIEWER, invited_by=coordinator
        )


@pytest.mark.parametrize(
    ("organisation", "role"),
    [
        ("aarhus", "coordinator"),
        ("norddjurs", "viewer"),
        ("agency", "administrator"),
        ("agency", "reviewer"),
    ],
)
def test_an_agency_administrator_invites_anyone_anywhere(
    client, administrator, request, organisation, role, django_capture_on_commit_callbacks
):
    target = request.getfixturevalue(organisation)
    client.force_login(administrator)
    response = send(
        client,
        {"email": "ny@example.org", "organisation": target.pk, "role": role},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert Invitation.objects.get().organisation == target
    assert len(mail.outbox) == 1


def test_a_role_must_fit_the_organisation(client, administrator, norddjurs):
    client.force_login(administrator)
    response = client.post(
        reverse("invitation_create"),
        {"email": "x@example.org", "organisation": norddjurs.pk, "role": "reviewer"},
    )
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["reviewer", "viewer"])
def test_reviewers_and_viewers_cannot_invite(client, request, persona, norddjurs):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("invitation_create")).status_code == 403
    assert client.get(reverse("invitation_list")).status_code == 403
    response = client.post(
        reverse("invitation_create"),
        {"email": "x@example.org", "organisation": norddjurs.pk, "role": "viewer"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


# --- database rules ------------------------------------------------------------------------


def test_database_constraints_keep_an_invitation_consistent(administrator, norddjurs):
    invitation = factories.InvitationFactory(organisation=norddjurs, invited_by=administrator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(role="owner")
    with pytest.raises(IntegrityError), transaction.atomic():
        # A second open invitation for the same address and organisation.
        Invitation.objects.create(
            email=invitation.email,
            organisation=norddjurs,
            role=Role.VIEWER,
            invited_by=administrator,
        )


def test_an_invitation_made_without_a_token_cannot_be_accepted(administrator, norddjurs):
    invitation = Invitation.objects.create(
        email="x@example.org", organisation=norddjurs, role=Role.VIEWER, invited_by=administrator
    )
    assert len(invitation.token_hash) == 64
    with pytest.raises(InvitationUnusable):
        accept_invitation("", factories.UserFactory())


# --- accepting ------------------------------------------------------------------------------


def test_accepting_creates_an_account_and_membership_and_signs_in(client, coordinator, norddjurs):
    factories.InvitationFactory(
        organisation=norddjurs,
        role=Role.COORDINATOR,
        invited_by=coordinator,
        email="ny@example.org",
        token="abc123",
    )
    url = reverse("invitation_accept", args=["abc123"])
    page = client.get(url).content.decode()
    assert "ny@example.org" in page and "Norddjurs Kommune" in page
    assert coordinator.get_full_name() in page and "Koordinator" in page
    response = client.post(
        url,
        {
            "action": "create",
            "first_name": "Ny",
            "last_name": "Kollega",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302 and response.url == reverse("project_list")
    user = get_user_model().objects.get(username="ny@example.org")
    assert user.email == "ny@example.org" and user.check_password(PASSWORD)
    assert Membership.objects.get(user=user).role == Role.COORDINATOR
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert client.get(reverse("project_list")).wsgi_request.user == user
    # In the history.
    assert LogEntry.objects.get_for_object(invitation).count() >= 2


def test_the_password_must_pass_djangos_validators(client, coordinator, norddjurs):
    factories.InvitationFactory(organisation=norddjurs, invited_by=coordinator, token="weak")
    response = client.post(
        reverse("invitation_accept", args=["weak"]),
        {"action": "create", "password1": "12345", "password2": "12345"},
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not get_user_model().objects.filter(username__contains="kollega").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_is_used_once(client, coordinator, norddjurs):
    factories.InvitationFactory(organisation=norddjurs, invited_by=coordinator, token="once")
    url = reverse("invitation_accept", args=["once"])
    data = {"action": "create", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(url, data).status_code == 302
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "allerede brugt" in again.content.decode()
    assert client.post(url, data).status_code == 410
    assert get_user_model().objects.filter(email__endswith="example.org").count() == 1
    with pytest.raises(InvitationUnusable) as error:
        accept_invitation("once", factories.UserFactory())
    assert error.value.code == "accepted"


def test_an_invitation_expires(client, coordinator, norddjurs, settings):
    settings.INVITATION_EXPIRY_DAYS = 7
    factories.InvitationFactory(organisation=norddjurs, invited_by=coordinator, token="late")
    url = reverse("invitation_accept", args=["late"])
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        page = client.get(url)
        assert page.status_code == 410
        assert "udløbet" in page.content.decode()
        data = {"action": "create", "password1": PASSWORD, "password2": PASSWORD}
        assert client.post(url, data).status_code == 410
        with pytest.raises(InvitationUnusable):
            accept_invitation("late", factories.UserFactory())
    assert not Membership.objects.filter(organisation=norddjurs).exclude(user=coordinator).exists()


def test_a_withdrawn_invitation_cannot_be_used(client, coordinator, norddjurs):
    invitation = factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, token="gone"
    )
    client.force_login(coordinator)
    assert client.post(reverse("invitation_withdraw", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_by == coordinator
    client.logout()
    page = client.get(reverse("invitation_accept", args=["gone"]))
    assert page.status_code == 410 and "trukket tilbage" in page.content.decode()
    with pytest.raises(InvitationUnusable):
        withdraw_invitation(invitation=invitation, user=coordinator)


def test_an_unknown_link_says_so(client):
    page = client.get(reverse("invitation_accept", args=["no-such-token"]))
    assert page.status_code == 404
    assert "ikke gyldigt" in page.content.decode()


def test_a_signed_in_user_accepts_into_their_account(client, coordinator, norddjurs, syddjurs):
    colleague = factories.MembershipFactory(organisation=syddjurs, role=Role.VIEWER).user
    colleague.email = "Kollega@Example.org"
    colleague.save()
    factories.InvitationFactory(
        organisation=norddjurs,
        invited_by=coordinator,
        email="kollega@example.org",
        token="mine",
    )
    client.force_login(colleague)
    url = reverse("invitation_accept", args=["mine"])
    assert "Accepter invitationen" in client.get(url).content.decode()
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert Membership.objects.get(user=colleague, organisation=norddjurs).role == Role.VIEWER
    assert Membership.objects.get(user=colleague, organisation=syddjurs).role == Role.VIEWER


def test_a_signed_in_user_with_another_email_is_told_so(client, coordinator, norddjurs, outsider):
    outsider.email = "someone.else@example.org"
    outsider.save()
    factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, email="kollega@example.org", token="t"
    )
    client.force_login(outsider)
    url = reverse("invitation_accept", args=["t"])
    page = client.get(url).content.decode()
    assert "men invitationen er til kollega@example.org" in page
    assert client.post(url, {"action": "accept"}).status_code == 200
    assert not Membership.objects.filter(user=outsider, organisation=norddjurs).exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_account_is_asked_to_sign_in(client, coordinator, norddjurs):
    factories.UserFactory(username="kollega@example.org", email="kollega@example.org")
    factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, email="kollega@example.org", token="t"
    )
    url = reverse("invitation_accept", args=["t"])
    page = client.get(url).content.decode()
    assert "findes allerede" in page
    data = {"action": "create", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(url, data).status_code == 200
    assert Invitation.objects.get().accepted_at is None


def test_accepting_changes_the_role_of_an_existing_membership(coordinator, norddjurs, viewer):
    viewer.email = "laeser@example.org"
    viewer.save()
    factories.InvitationFactory(
        organisation=norddjurs,
        invited_by=coordinator,
        email="laeser@example.org",
        role=Role.COORDINATOR,
        token="promote",
    )
    membership = accept_invitation("promote", viewer)
    assert membership.role == Role.COORDINATOR
    assert Membership.objects.filter(user=viewer).count() == 1


def test_the_identity_provider_contract(coordinator, norddjurs):
    """The sign-in through an identity provider calls accept_invitation(token, user)."""
    factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, role=Role.VIEWER, token="oidc-token"
    )
    user = factories.UserFactory(email="")
    membership = accept_invitation("oidc-token", user)
    assert isinstance(membership, Membership)
    assert (membership.user, membership.organisation, membership.role) == (
        user,
        norddjurs,
        Role.VIEWER,
    )
    assert Invitation.objects.get().accepted_by == user
    with pytest.raises(InvitationUnusable) as error:
        accept_invitation("oidc-token", factories.UserFactory())
    assert error.value.code == "accepted"
    with pytest.raises(InvitationUnusable) as error:
        accept_invitation("wrong", user)
    assert error.value.code == "unknown"


def test_the_oidc_choice_keeps_the_token_in_the_session(
    client, coordinator, norddjurs, monkeypatch
):
    from projects.views import invitations as views

    factories.InvitationFactory(organisation=norddjurs, invited_by=coordinator, token="sso")
    monkeypatch.setattr(
        views, "identity_providers", lambda: [("kombit", "Kombit", "/login/kombit/")]
    )
    url = reverse("invitation_accept", args=["sso"])
    assert "Log ind med Kombit" in client.get(url).content.decode()
    response = client.post(url, {"action": "oidc", "provider": "kombit"})
    assert response.status_code == 302 and response.url == "/login/kombit/"
    assert client.session["invitation_token"] == "sso"
    assert Invitation.objects.get().accepted_at is None


# --- sending again, failures, throttle, list -----------------------------------------------


def test_sending_again_issues_a_new_link_and_the_old_one_stops_working(
    client, coordinator, norddjurs, django_capture_on_commit_callbacks
):
    invitation = factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, token="old"
    )
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    new_token = token_from(mail.outbox[0])
    assert new_token != "old"
    client.logout()
    assert client.get(reverse("invitation_accept", args=["old"])).status_code == 404
    assert client.get(reverse("invitation_accept", args=[new_token])).status_code == 200


def test_a_failed_send_keeps_the_invitation_to_send_again(
    client, coordinator, norddjurs, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_invitations.FailingBackend"
    client.force_login(coordinator)
    response = send(
        client,
        {"email": "ny@example.org", "organisation": norddjurs.pk, "role": "viewer"},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.send_failed_at is not None and invitation.sent_at is None
    page = client.get(reverse("invitation_list")).content.decode()
    assert "Ikke sendt" in page and "Send igen" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation_resend", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.send_failed_at is None
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_invitations_are_throttled_per_inviter(client, coordinator, norddjurs, settings):
    settings.INVITATION_HOURLY_LIMIT = 2
    client.force_login(coordinator)
    for n in range(2):
        response = client.post(
            reverse("invitation_create"),
            {"email": f"n{n}@example.org", "organisation": norddjurs.pk, "role": "viewer"},
        )
        assert response.status_code == 302
    refused = client.post(
        reverse("invitation_create"),
        {"email": "n3@example.org", "organisation": norddjurs.pk, "role": "viewer"},
    )
    assert refused.status_code == 200
    assert "inden for den seneste time" in refused.content.decode()
    assert Invitation.objects.count() == 2
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert invite(
            email="n3@example.org",
            organisation=norddjurs,
            role=Role.VIEWER,
            invited_by=coordinator,
            site_url=SITE,
        )


def test_a_pending_invitation_is_not_sent_twice_but_an_expired_one_is_replaced(
    client, coordinator, norddjurs
):
    old = factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, email="ny@example.org"
    )
    client.force_login(coordinator)
    data = {"email": "ny@example.org", "organisation": norddjurs.pk, "role": "viewer"}
    response = client.post(reverse("invitation_create"), data)
    assert response.status_code == 200 and "email" in response.context["form"].errors
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        client.force_login(coordinator)  # the session of eight days ago has expired
        response = client.post(reverse("invitation_create"), data)
        assert response.status_code == 302 and response.url == reverse("invitation_list")
    old.refresh_from_db()
    assert old.withdrawn_at is not None
    assert Invitation.objects.count() == 2


def test_the_list_shows_only_organisations_the_user_invites_to(
    client, coordinator, norddjurs, aarhus, administrator
):
    factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, email="nord@example.org"
    )
    factories.InvitationFactory(
        organisation=aarhus, invited_by=administrator, email="aarhus@example.org"
    )
    client.force_login(coordinator)
    page = client.get(reverse("invitation_list")).content.decode()
    assert "nord@example.org" in page and "aarhus@example.org" not in page
    foreign = Invitation.objects.get(organisation=aarhus)
    assert client.post(reverse("invitation_withdraw", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("invitation_resend", args=[foreign.pk])).status_code == 404
    assert Invitation.objects.get(pk=foreign.pk).withdrawn_at is None


def test_the_list_filters_by_status(client, coordinator, norddjurs):
    factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, email="open@example.org"
    )
    factories.InvitationFactory(
        organisation=norddjurs,
        invited_by=coordinator,
        email="gone@example.org",
        withdrawn_at=timezone.now(),
        withdrawn_by=coordinator,
    )
    client.force_login(coordinator)
    page = client.get(reverse("invitation_list") + "?status=withdrawn").content.decode()
    assert "gone@example.org" in page and "open@example.org" not in page
    page = client.get(reverse("invitation_list") + "?status=pending").content.decode()
    assert "open@example.org" in page and "gone@example.org" not in page


def test_the_list_query_count_does_not_grow_with_the_data(client, administrator, norddjurs):
    client.force_login(administrator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("invitation_list")).status_code == 200
        return len(queries)

    factories.InvitationFactory(organisation=norddjurs, invited_by=administrator)
    few = count()
    for _ in range(10):
        invitation = factories.InvitationFactory(organisation=norddjurs, invited_by=administrator)
        if _ % 2:
            invitation.accepted_at, invitation.accepted_by = timezone.now(), administrator
            invitation.save()
    assert count() == few


def test_resend_service_refuses_an_accepted_invitation(coordinator, norddjurs):
    invitation = factories.InvitationFactory(
        organisation=norddjurs, invited_by=coordinator, token="x"
    )
    accept_invitation("x", factories.UserFactory())
    with pytest.raises(InvitationUnusable):
        resend_invitation(invitation=invitation, user=coordinator, site_url=SITE)


# --- the Django admin -----------------------------------------------------------------------


def test_the_admin_sends_through_the_same_rules(
    client, norddjurs, django_capture_on_commit_callbacks
):
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    url = reverse("admin:projects_invitation_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "email": "Admin.Inviteret@example.org",
                "organisation": norddjurs.pk,
                "role": "coordinator",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.invited_by == root and invitation.email == "admin.inviteret@example.org"
    assert len(mail.outbox) == 1 and token_from(mail.outbox[0])
    # A role the organisation cannot have is refused there too.
    refused = client.post(
        url, {"email": "x@example.org", "organisation": norddjurs.pk, "role": "reviewer"}
    )
    assert refused.status_code == 200 and Invitation.objects.count() == 1
    change = reverse("admin:projects_invitation_change", args=[invitation.pk])
    assert client.get(change).status_code == 200
    client.post(
        reverse("admin:projects_invitation_changelist"),
        {"action": "withdraw", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.withdrawn_by == root
