"""Signing in through an identity provider: who the person is, for which organisation, with
which role — decided from the verified claims, or refused with a reason the person can act on.

A refusal creates nothing: every check that can refuse runs before the first write, and the
writes run in one transaction that a late refusal (an invitation that turns out unusable)
rolls back whole.
"""

import re

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import ExternalIdentity, Membership, Organisation, Role
from projects.oidc import ASSURANCE_LABELS, ASSURANCE_RANK, Provider, assurance_level
from projects.services import invitations
from projects.services.base import save

# The most powerful role first: a person whose claim maps to several gets the first allowed.
ROLE_ORDER = [Role.ADMINISTRATOR, Role.REVIEWER, Role.COORDINATOR, Role.VIEWER]


class SignInRefused(Exception):
    """The person may not sign in; `message` tells them why, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _claim_values(value) -> list[str]:
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return []


def check_assurance(provider: Provider, claims: dict) -> None:
    level = assurance_level(claims.get(provider.assurance_claim))
    if level is None or ASSURANCE_RANK[level] < ASSURANCE_RANK[provider.min_assurance]:
        raise SignInRefused(
            _(
                "Your sign-in was not made with a high enough assurance level (at least "
                "“%(level)s” is required). Sign in again with MitID or another means at that "
                "level."
            )
            % {"level": ASSURANCE_LABELS[provider.min_assurance]}
        )


def organisation_from_claims(provider: Provider, claims: dict) -> Organisation:
    raw = claims.get(provider.cvr_claim)
    cvr = re.sub(r"^DK|\s", "", str(raw)) if isinstance(raw, str | int) else ""
    if not cvr:
        raise SignInRefused(
            _(
                "Your identity provider did not say which organisation you sign in for (no CVR "
                "number). Ask your organisation's IT support to send it."
            )
        )
    organisation = Organisation.objects.filter(cvr=cvr, active=True).first()
    if organisation is not None and provider.cvrs and cvr not in provider.cvrs:
        raise SignInRefused(
            _("Sign in for %(organisation)s through the organisation's own identity provider.")
            % {"organisation": organisation}
        )
    if organisation is None:
        raise SignInRefused(
            _(
                "Your organisation (CVR %(cvr)s) does not use sigprojects. If it should, ask "
                "Digitaliseringsstyrelsen to add it."
            )
            % {"cvr": cvr[:8]}
        )
    if organisation.is_agency and not provider.agency:
        # Agency roles see the whole portfolio; only the agency's own provider may vouch for them.
        raise SignInRefused(
            _("Sign in for %(organisation)s through the organisation's own identity provider.")
            % {"organisation": organisation}
        )
    return organisation


def role_from_claims(provider: Provider, claims: dict, organisation: Organisation) -> str | None:
    """The role the provider's role claim gives in `organisation`, or None."""
    mapped = {provider.roles.get(value) for value in _claim_values(claims.get(provider.role_claim))}
    allowed = Role.for_kind(organisation.kind)
    if organisation.is_agency and not provider.agency:
        return None
    return next((role for role in ROLE_ORDER if role in mapped and role in allowed), None)


def _invitation_for(token: str | None, organisation: Organisation):
    """The usable invitation behind `token`, or None when there is no token. Refuses an
    unusable one, and one to another organisation than the claimed one."""
    if not token:
        return None
    try:
        invitation = invitations.check_usable(invitations.find_invitation(token))
    except ValidationError as exc:
        raise SignInRefused(exc.messages[0]) from exc
    if invitation.organisation_id != organisation.pk:
        raise SignInRefused(
            _(
                "The invitation is for %(invited)s, but your identity provider signed you in "
                "for %(organisation)s. Sign in for %(invited)s or ask for a new invitation."
            )
            % {"invited": invitation.organisation, "organisation": organisation}
        )
    return invitation


def _new_username(provider: Provider, claims: dict) -> str:
    User = get_user_model()
    base = str(claims.get(provider.username_claim) or claims.get("email") or claims["sub"])
    base = re.sub(r"[^\w.@+-]", "-", base)[:120] or "user"
    username, counter = f"{base}", 1
    while User.objects.filter(username__iexact=username).exists():
        counter += 1
        username = f"{base}-{counter}"
    return username


def _text_claim(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def sign_in_with_provider(
    *, provider: Provider, issuer: str, claims: dict, invitation_token: str | None = None
):
    """The user for the verified `claims`, created or updated, with the membership their role
    claim or invitation gives; SignInRefused (and nothing written) when they may not sign in.

    People are found by (issuer, subject) only, never by e-mail: an e-mail address is not a
    stable identifier across providers (it is reassigned, changed, and any provider may assert
    any address), so matching on it would let one provider sign in as another's user."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise SignInRefused(_("Your identity provider did not identify you. Please try again."))
    check_assurance(provider, claims)
    organisation = organisation_from_claims(provider, claims)
    claimed_role = role_from_claims(provider, claims, organisation)
    invitation = _invitation_for(invitation_token, organisation)

    identity = (
        ExternalIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject)
    ).first()
    user = identity.user if identity else None
    if user is not None and not user.is_active:
        raise SignInRefused(_("Your account has been closed. Ask your coordinator."))
    member = (
        user is not None
        and Membership.objects.filter(user=user, organisation=organisation).exists()
    )
    if not (member or claimed_role or invitation):
        raise SignInRefused(
            _(
                "You have no access to sigprojects for %(organisation)s yet. Ask a coordinator "
                "of your organisation to invite you."
            )
            % {"organisation": organisation}
        )

    with transaction.atomic():
        User = get_user_model()
        if user is None:
            user = User(
                username=_new_username(provider, claims),
                first_name=_text_claim(claims, "given_name", 150),
                last_name=_text_claim(claims, "family_name", 150),
                email=_text_claim(claims, "email", 254) if claims.get("email_verified") else "",
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
        with set_actor(user):
            if identity is None:
                identity = ExternalIdentity(user=user, issuer=issuer, subject=subject)
            identity.provider_key = provider.key
            identity.last_login_at = timezone.now()
            save(identity)
            if claimed_role:
                # The provider's role claim is authoritative for the organisation it vouches for.
                membership = Membership.objects.filter(user=user, organisation=organisation)
                membership = membership.select_for_update().first() or Membership(
                    user=user, organisation=organisation
                )
                if membership.role != claimed_role:
                    membership.role = claimed_role
                    save(membership)
        if invitation is not None:
            try:
                invitations.accept_invitation(invitation_token, user)
            except ValidationError as exc:
                # Leaving the block by the exception rolls back the user and identity too.
                raise SignInRefused(exc.messages[0]) from exc
    user.__dict__.pop("_sigprojects_roles", None)
    return user
