from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.numbers import AmountField

from .base import TimeStampedModel
from .choices import OrganisationKind, Role


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def partners(self):
        """Municipalities, regions and other partners: everyone but the agency."""
        return self.exclude(kind=OrganisationKind.AGENCY)


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    short_code = models.CharField(
        _("short code"),
        max_length=20,
        blank=True,
        help_text=_("For example the municipality or region number."),
    )
    active = models.BooleanField(_("active"), default=True)
    cvr = models.CharField(
        _("CVR number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}$", _("A CVR number has exactly 8 digits."))],
        help_text=_(
            "The organisation's CVR number. Sign-in through an identity provider finds the "
            "organisation by it."
        ),
    )
    password_login_allowed = models.BooleanField(
        _("password sign-in allowed"),
        default=True,
        help_text=_(
            "Off: the organisation's members sign in only through their identity provider, "
            "never with a password."
        ),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["short_code"],
                condition=~Q(short_code=""),
                name="organisation_short_code_unique",
            ),
            models.UniqueConstraint(
                fields=["cvr"], condition=~Q(cvr=""), name="organisation_cvr_unique"
            ),
            models.CheckConstraint(
                condition=Q(cvr="") | Q(cvr__regex=r"^[0-9]{8}$"),
                name="organisation_cvr_eight_digits",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_agency(self) -> bool:
        return self.kind == OrganisationKind.AGENCY


class Membership(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["organisation__name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_per_user_and_organisation"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.organisation_id and self.role:
            allowed = Role.for_kind(self.organisation.kind)
            if self.role not in allowed:
                raise ValidationError(
                    {
                        "role": _("A member of %(organisation)s can only be %(roles)s.")
                        % {
                            "organisation": self.organisation,
                            "roles": _(" or ").join(str(r.label) for r in allowed),
                        }
                    }
                )


class FundingRound(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    pool_dkk = AmountField(_("pool (DKK)"), default=0)

    class Meta:
        ordering = ["year", "name"]
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(pool_dkk__gte=0), name="funding_round_pool_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="funding_round_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return self.name
