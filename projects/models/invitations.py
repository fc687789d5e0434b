"""Invitations: a coordinator or an agency administrator asks a colleague to join an
organisation with a role. The link in the e-mail carries a random token; only its hash is
stored, so neither the database nor the inviter can open someone else's invitation."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel
from .choices import Role
from .organisations import Organisation


def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _unknown_token_hash() -> str:
    # A row written without a token (a plain ORM create) gets the hash of a token nobody
    # knows: it cannot be accepted until it is sent again, which issues a new one.
    return hash_token(new_token())


def default_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InvitationQuerySet(models.QuerySet):
    def with_status(self, status: str):
        now = timezone.now()
        if status == InvitationStatus.ACCEPTED:
            return self.filter(accepted_at__isnull=False)
        if status == InvitationStatus.WITHDRAWN:
            return self.filter(withdrawn_at__isnull=False)
        open_ = self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)
        if status == InvitationStatus.EXPIRED:
            return open_.filter(expires_at__lte=now)
        if status == InvitationStatus.PENDING:
            return open_.filter(expires_at__gt=now)
        raise ValueError(f"unknown invitation status {status!r}")

    def pending(self):
        return self.with_status(InvitationStatus.PENDING)


class Invitation(TimeStampedModel):
    email = models.EmailField(_("e-mail"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    token_hash = models.CharField(
        _("token hash"), max_length=64, unique=True, editable=False, default=_unknown_token_hash
    )
    # The e-mail is written in the language the inviter was using.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    send_failed_at = models.DateTimeField(
        _("sending failed"), null=True, blank=True, editable=False
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="invitation_org_created"),
            models.Index(fields=["invited_by", "created_at"], name="invitation_inviter_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_accepted_by_whom",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="invitation_withdrawn_by_whom",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="invitation_accepted_or_withdrawn",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            # One open invitation per address and organisation (an expired one is withdrawn
            # when a new one is sent).
            models.UniqueConstraint(
                fields=["email", "organisation"],
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_email_and_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.withdrawn_at:
            return InvitationStatus.WITHDRAWN
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return InvitationStatus(self.status).label

    @property
    def is_open(self) -> bool:
        """Neither accepted nor withdrawn (it may have expired)."""
        return self.accepted_at is None and self.withdrawn_at is None

    def issue_token(self) -> str:
        """A new raw token for the link; only its hash is kept. An earlier link stops working."""
        raw = new_token()
        self.token_hash = hash_token(raw)
        return raw

    def check_rules(self) -> None:
        """The rules that hold however the invitation is written (form, service, admin, ORM)."""
        from projects.access import invitable_roles

        errors = {}
        if self.email:
            self.email = self.email.strip().lower()
        if self.organisation_id and self.role:
            if self.role not in Role.for_kind(self.organisation.kind):
                errors["role"] = _("A member of %(organisation)s can only be %(roles)s.") % {
                    "organisation": self.organisation,
                    "roles": _(" or ").join(
                        str(r.label) for r in Role.for_kind(self.organisation.kind)
                    ),
                }
            elif (
                self._state.adding
                and self.invited_by_id
                and self.role not in invitable_roles(self.invited_by, self.organisation)
            ):
                errors["role"] = _("You may not invite anyone to %(organisation)s as %(role)s.") % {
                    "organisation": self.organisation,
                    "role": self.get_role_display(),
                }
        if errors:
            raise ValidationError(errors)

    def clean(self):
        self.check_rules()
        if (
            self.is_open
            and self.email
            and self.organisation_id
            and Invitation.objects.filter(email=self.email, organisation_id=self.organisation_id)
            .with_status(InvitationStatus.PENDING)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {
                    "email": _(
                        "%(email)s already has a pending invitation to %(organisation)s. "
                        "Send it again from the list of invitations instead."
                    )
                    % {"email": self.email, "organisation": self.organisation}
                }
            )

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.check_rules()
        super().save(*args, **kwargs)
