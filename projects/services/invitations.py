"""Invitations: sending, sending again, withdrawing and accepting.

The e-mail goes out when the transaction commits, so a rolled-back invitation sends nothing,
and a failed send leaves the invitation in place, marked as not sent, to be sent again.
"""

import logging
from datetime import timedelta

from auditlog.context import set_actor
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.access import invitable_roles
from projects.models import Invitation, InvitationStatus, Membership, Organisation
from projects.models.invitations import default_expiry, hash_token
from projects.services.base import save

logger = logging.getLogger(__name__)


class InvitationUnusable(ValidationError):
    """The link cannot be used; `code` says why: unknown, expired, accepted, withdrawn,
    lapsed (its inviter may no longer give the role) or email_mismatch."""


def _unusable(code: str) -> InvitationUnusable:
    messages = {
        "unknown": _("This invitation link is not valid. Check that you copied the whole link."),
        "expired": _(
            "This invitation has expired. Ask the person who invited you to send it again."
        ),
        "accepted": _("This invitation has already been used. Log in with the account it created."),
        "withdrawn": _("This invitation has been withdrawn by the organisation."),
        "lapsed": _(
            "The person who sent this invitation may no longer invite anyone with this role. "
            "Ask your organisation for a new invitation."
        ),
        "email_mismatch": _(
            "This invitation is for another e-mail address than the one on your account."
        ),
    }
    return InvitationUnusable(messages[code], code=code)


def invitation_link(site_url: str, raw_token: str) -> str:
    return site_url.rstrip("/") + reverse("invitation_accept", args=[raw_token])


def send_invitation_email(invitation_pk: int, link: str) -> bool:
    """Send the invitation in its language; record whether it went. Never raises: the
    invitation is kept either way and the list offers to send it again."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_pk
    )
    context = {
        "invitation": invitation,
        "link": link,
        "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.get_username(),
        "role": invitation.get_role_display(),
        "expires_at": invitation.expires_at,
    }
    try:
        with translation.override(invitation.language):
            subject = render_to_string("invitations/email_subject.txt", context).strip()
            body = render_to_string("invitations/email_body.txt", context)
            send_mail(subject, body, None, [invitation.email])
    except Exception:
        logger.exception("Invitation %s could not be sent", invitation_pk)
        Invitation.objects.filter(pk=invitation_pk).update(send_failed_at=timezone.now())
        return False
    Invitation.objects.filter(pk=invitation_pk).update(sent_at=timezone.now(), send_failed_at=None)
    return True


def check_throttle(inviter, *, lock: bool = True) -> None:
    """At most INVITATION_HOURLY_LIMIT invitations per inviter per hour. Inside a write the
    inviter's row is locked, so that two requests at once cannot both slip under the limit."""
    if lock:
        list(get_user_model().objects.select_for_update().filter(pk=inviter.pk).values("pk"))
    since = timezone.now() - timedelta(hours=1)
    sent = Invitation.objects.filter(invited_by=inviter, created_at__gte=since).count()
    if sent >= settings.INVITATION_HOURLY_LIMIT:
        raise ValidationError(
            _(
                "You have sent %(limit)s invitations within the last hour, the most allowed. "
                "Please wait a while before inviting more people."
            )
            % {"limit": settings.INVITATION_HOURLY_LIMIT},
            code="throttled",
        )


@transaction.atomic
def invite(
    *, email: str, organisation: Organisation, role: str, invited_by, site_url: str
) -> Invitation:
    """Invite `email` to `organisation` with `role` and e-mail the link when the transaction
    commits. An expired invitation to the same address and organisation is withdrawn."""
    check_throttle(invited_by)
    email = email.strip().lower()
    now = timezone.now()
    for stale in (
        Invitation.objects.select_for_update()
        .filter(email=email, organisation=organisation)
        .with_status(InvitationStatus.EXPIRED)
    ):
        stale.withdrawn_at, stale.withdrawn_by = now, invited_by
        stale.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        invited_by=invited_by,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    raw_token = invitation.issue_token()
    save(invitation)
    link = invitation_link(site_url, raw_token)
    transaction.on_commit(lambda: send_invitation_email(invitation.pk, link))
    return invitation


def _lock_open(invitation: Invitation) -> Invitation:
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.accepted_at:
        raise _unusable("accepted")
    if current.withdrawn_at:
        raise _unusable("withdrawn")
    return current


@transaction.atomic
def resend_invitation(*, invitation: Invitation, user, site_url: str) -> Invitation:
    """Send the invitation again with a new link (the old one stops working) valid for the
    full period from now."""
    current = _lock_open(invitation)
    raw_token = current.issue_token()
    current.expires_at = default_expiry()
    current.send_failed_at = None
    # Whoever sends it again vouches for it from now on (see `check_usable`).
    current.invited_by = user
    save(
        current,
        update_fields=["token_hash", "expires_at", "send_failed_at", "invited_by", "updated_at"],
    )
    link = invitation_link(site_url, raw_token)
    transaction.on_commit(lambda: send_invitation_email(current.pk, link))
    return current


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, user) -> Invitation:
    """Withdraw an invitation that has not been accepted; its link stops working."""
    current = _lock_open(invitation)
    current.withdrawn_at, current.withdrawn_by = timezone.now(), user
    return save(current, update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])


def find_invitation(raw_token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def check_usable(invitation: Invitation | None) -> Invitation:
    """The invitation if its link may be used now, else InvitationUnusable saying why."""
    if invitation is None:
        raise _unusable("unknown")
    status = invitation.status
    if status != InvitationStatus.PENDING:
        raise _unusable(status)
    # The inviter's authority is checked when the link is used too, not only when it was
    # sent: a coordinator who has left (or become a viewer) makes nobody a coordinator.
    if invitation.role not in invitable_roles(invitation.invited_by, invitation.organisation):
        raise _unusable("lapsed")
    return invitation


def email_matches(invitation: Invitation, user) -> bool:
    return (user.email or "").strip().lower() == invitation.email


@transaction.atomic
def accept_invitation(invitation_token: str, user) -> Membership:
    """Make `user` a member of the invitation's organisation with its role (creating the
    membership or changing its role) and use up the invitation. The link must be valid,
    unused, unexpired and not withdrawn. Whether `user` is the invited person is the
    caller's to establish (the invited e-mail on a signed-in account, or a new account made
    from the link, or an identity provider's sign-in for the invited organisation)."""
    found = Invitation.objects.filter(token_hash=hash_token(invitation_token)).first()
    if found is None:
        raise _unusable("unknown")
    invitation = check_usable(
        Invitation.objects.select_for_update().select_related("organisation").get(pk=found.pk)
    )
    with set_actor(user):
        membership = (
            Membership.objects.select_for_update()
            .filter(user=user, organisation=invitation.organisation)
            .first()
        )
        if membership is None:
            membership = Membership(user=user, organisation=invitation.organisation)
        membership.role = invitation.role
        save(membership)
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        save(invitation, update_fields=["accepted_at", "accepted_by", "updated_at"])
    # The roles cached on the user for this request are out of date.
    user.__dict__.pop("_sigprojects_roles", None)
    return membership


@transaction.atomic
def create_account_and_accept(
    *, invitation_token: str, password: str, first_name: str = "", last_name: str = ""
):
    """A new account for the invited address (its username), then the invitation accepted
    into it. Refused if an account with that username exists: its owner signs in first."""
    invitation = check_usable(find_invitation(invitation_token))
    User = get_user_model()
    if User.objects.filter(username__iexact=invitation.email).exists():
        raise ValidationError(
            _(
                "An account for %(email)s exists already. Log in with it, then open the "
                "invitation link again."
            )
            % {"email": invitation.email},
            code="account_exists",
        )
    user = User(
        username=invitation.email,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    accept_invitation(invitation_token, user)
    return user
