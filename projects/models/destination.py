"""Where a pilot ends up: each organisation's decision to put the solution into operation,
the benefits it measures against a baseline, and what the project spent on external
suppliers versus its own staff."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.numbers import AmountField, HoursField

from .base import TimeStampedModel, VersionedModel
from .choices import (
    BenefitKind,
    MeasurementFrequency,
    OperationDecisionKind,
    StopReason,
    SupplierRole,
)
from .organisations import Organisation
from .projects import Project, not_negative
from .text import EXPLANATION_MAX_LENGTH, NOTE_MAX_LENGTH, LimitedTextField


class StaysOnItsProject(models.Model):
    """A record that belongs to one project for good: moving it to another on any write path
    would leave the first project's derived figures behind, so it is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored_project_id", None)
        if not self._state.adding and stored is not None and self.project_id != stored:
            raise ValidationError(_("A record cannot move to another project."))
        super().save(*args, **kwargs)
        self._stored_project_id = self.project_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_project_id = instance.__dict__.get("project_id")
        return instance


def _not_in_future(value, field: str, errors: dict) -> None:
    if value and value > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")


def _on_the_project(project: Project, organisation_id: int | None, errors: dict) -> None:
    if organisation_id and not project.has_organisation(organisation_id):
        errors["organisation"] = _("The organisation is neither the lead nor a participant.")


class OperationDecision(StaysOnItsProject, VersionedModel, TimeStampedModel):
    """One organisation's decision on putting the project's solution into operation. Each
    municipality and region decides for itself, on the value the solution creates for it."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="operation_decisions",
        verbose_name=_("project"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="operation_decisions",
        verbose_name=_("organisation"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=OperationDecisionKind.choices)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.CharField(
        _("decided by"),
        max_length=200,
        blank=True,
        help_text=_("For example the committee for elderly care and health."),
    )
    reason_category = models.CharField(
        _("reason"),
        max_length=20,
        choices=StopReason.choices,
        blank=True,
        help_text=_("Required when the organisation decided not to or postponed."),
    )
    reason = LimitedTextField(_("explanation"), max_length=EXPLANATION_MAX_LENGTH, blank=True)
    expected_hours_per_year = HoursField(_("expected hours freed per year"), null=True, blank=True)
    expected_dkk_per_year = AmountField(_("expected DKK saved per year"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["project", "organisation__name"]
        verbose_name = _("operation decision")
        verbose_name_plural = _("operation decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="operation_decision_one_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=OperationDecisionKind.values),
                name="operation_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(reason_category="") | Q(reason_category__in=StopReason.values),
                name="operation_decision_reason_valid",
            ),
            models.CheckConstraint(
                condition=~Q(decision__in=OperationDecisionKind.needing_reason())
                | (~Q(reason_category="") & ~Q(reason="")),
                name="operation_decision_reason_given",
            ),
            models.CheckConstraint(
                condition=Q(decision=OperationDecisionKind.UNDECIDED) | Q(decided_on__isnull=False),
                name="operation_decision_dated",
            ),
            not_negative("expected_hours_per_year", "operation_decision"),
            not_negative("expected_dkk_per_year", "operation_decision"),
        ]
        indexes = [
            models.Index(fields=["decision", "project"], name="operation_decision_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_decision_display()}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    @property
    def needs_reason(self) -> bool:
        return self.decision in OperationDecisionKind.needing_reason()

    def clean(self):
        errors: dict = {}
        if self.project_id:
            _on_the_project(self.project, self.organisation_id, errors)
        if self.needs_reason:
            if not self.reason_category:
                errors["reason_category"] = _("Choose why the solution is not in operation.")
            if not self.reason.strip():
                errors["reason"] = _("Explain the decision.")
        else:
            # Only a "no" or a "not yet" has a reason category; a stale one is not kept (the
            # history has it). A solution in operation keeps no stale explanation either.
            self.reason_category = ""
            if self.decision == OperationDecisionKind.IN_OPERATION:
                self.reason = ""
        if self.decision != OperationDecisionKind.UNDECIDED and not self.decided_on:
            errors["decided_on"] = _("Give the date of the decision.")
        _not_in_future(self.decided_on, "decided_on", errors)
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class Realisation:
    """How far an indicator has come from its baseline towards its target.

    `percent` is (latest − baseline) / (target − baseline) × 100, not capped: above 100 the
    target is passed, below 0 the latest measurement has moved away from the target. It is
    None when it cannot be told: no baseline, no target, no measurement yet, or a target that
    equals the baseline (no change was planned, so no share of it can be realised).
    Whether a higher or a lower value is better follows from the target's side of the
    baseline: a target below the baseline (fewer hours spent) is realised by going down."""

    percent: Decimal | None
    state: str

    NOT_MEASURED = "not_measured"
    NO_BASELINE = "no_baseline"
    NO_TARGET = "no_target"
    NO_CHANGE_PLANNED = "no_change_planned"
    AWAY = "away"
    UNDERWAY = "underway"
    REACHED = "reached"

    @classmethod
    def of(
        cls, *, baseline: Decimal | None, target: Decimal | None, latest: Decimal | None
    ) -> "Realisation":
        if baseline is None:
            return cls(None, cls.NO_BASELINE)
        if target is None:
            return cls(None, cls.NO_TARGET)
        if target == baseline:
            return cls(None, cls.NO_CHANGE_PLANNED)
        if latest is None:
            return cls(None, cls.NOT_MEASURED)
        # The state follows the figure as shown and filtered on (a tenth of a per cent), so
        # "100,0 %" never reads "on the way".
        percent = ((Decimal(latest) - baseline) / (target - baseline) * 100).quantize(
            Decimal("0.1")
        )
        if percent < 0:
            state = cls.AWAY
        elif percent >= 100:
            state = cls.REACHED
        else:
            state = cls.UNDERWAY
        return cls(percent, state)

    @property
    def label(self) -> str:
        return {
            self.NOT_MEASURED: _("not measured yet"),
            self.NO_BASELINE: _("no baseline"),
            self.NO_TARGET: _("no target"),
            self.NO_CHANGE_PLANNED: _("target equals the baseline"),
            self.AWAY: _("moving away from the target"),
            self.UNDERWAY: _("on the way"),
            self.REACHED: _("target reached"),
        }[self.state]


class BenefitIndicator(StaysOnItsProject, VersionedModel, TimeStampedModel):
    """A benefit an organisation expects from the solution, measured against a baseline."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="benefit_indicators",
        verbose_name=_("project"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="benefit_indicators",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BenefitKind.choices)
    title = models.CharField(
        _("indicator"),
        max_length=200,
        help_text=_("What is measured, e.g. hours spent on journalising mails."),
    )
    unit = models.CharField(
        _("unit"), max_length=50, blank=True, help_text=_("Leave empty for the kind's unit.")
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline measured on"), null=True, blank=True)
    baseline_method = LimitedTextField(_("baseline method"), max_length=NOTE_MAX_LENGTH, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)
    owner = models.CharField(
        _("benefit owner"),
        max_length=200,
        blank=True,
        help_text=_("A named person in the line organisation."),
    )
    frequency = models.CharField(
        _("measured"),
        max_length=20,
        choices=MeasurementFrequency.choices,
        default=MeasurementFrequency.HALF_YEARLY,
    )
    # The latest measurement, kept by every write of a measurement (see refresh_derived).
    latest_value = models.DecimalField(
        _("latest value"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    latest_on = models.DateField(_("latest measured on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["project", "organisation__name", "kind", "id"]
        verbose_name = _("benefit indicator")
        verbose_name_plural = _("benefit indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=BenefitKind.values), name="benefit_indicator_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_on__isnull=False),
                name="benefit_indicator_baseline_dated",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=MeasurementFrequency.values),
                name="benefit_indicator_frequency_valid",
            ),
        ]
        indexes = [models.Index(fields=["project", "kind"], name="benefit_indicator_kind_idx")]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    @property
    def unit_label(self) -> str:
        return self.unit or BenefitKind(self.kind).default_unit

    @property
    def has_baseline(self) -> bool:
        return self.baseline_value is not None

    @property
    def realisation(self) -> Realisation:
        return Realisation.of(
            baseline=self.baseline_value, target=self.target_value, latest=self.latest_value
        )

    def clean(self):
        errors: dict = {}
        if self.project_id:
            _on_the_project(self.project, self.organisation_id, errors)
        if self.baseline_value is not None and not self.baseline_on:
            errors["baseline_on"] = _("Give the date the baseline was measured.")
        _not_in_future(self.baseline_on, "baseline_on", errors)
        if self.baseline_on and self.target_on and self.target_on < self.baseline_on:
            errors["target_on"] = _("The target date cannot be before the baseline.")
        if (
            self.pk
            and self.baseline_on
            and self.measurements.filter(measured_on__lt=self.baseline_on).exists()
        ):
            errors["baseline_on"] = _(
                "Measurements of the indicator are dated before this baseline."
            )
        if self.kind in BenefitKind.summable() and self.unit.strip():
            default = str(BenefitKind(self.kind).default_unit)
            if self.unit.strip().lower() == default.lower():
                self.unit = ""  # the kind's own unit
            else:
                # Hours and kroner are added up across the portfolio in one unit.
                errors["unit"] = _(
                    "%(kind)s is counted in %(unit)s; measure in another unit with the kind "
                    "quality or citizen experience."
                ) % {"kind": BenefitKind(self.kind).label, "unit": default}
        if errors:
            raise ValidationError(errors)


class BenefitMeasurement(StaysOnItsProject, VersionedModel, TimeStampedModel):
    """A value of an indicator on a date. Realisation happens in operation, so measurements
    are recorded after the project has closed as well."""

    indicator = models.ForeignKey(
        BenefitIndicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    # The indicator's project, kept on the row for scoping and locking.
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="benefit_measurements",
        editable=False,
        verbose_name=_("project"),
    )
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    method = LimitedTextField(_("method"), max_length=NOTE_MAX_LENGTH, blank=True)
    evidence = LimitedTextField(
        _("evidence"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("A link to the report or a note on where the figures come from."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        ordering = ["indicator", "measured_on", "id"]
        verbose_name = _("benefit measurement")
        verbose_name_plural = _("benefit measurements")
        indexes = [
            models.Index(fields=["indicator", "-measured_on"], name="benefit_measurement_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} – {date_format(self.measured_on, 'SHORT_DATE_FORMAT')}"

    def save(self, *args, **kwargs):
        if self.indicator_id:
            # Always its indicator's project, whatever was passed.
            self.project_id = (
                BenefitIndicator.objects.filter(pk=self.indicator_id)
                .values_list("project_id", flat=True)
                .first()
            )
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    def clean(self):
        errors: dict = {}
        if self.indicator_id:
            if self.project_id and self.project_id != self.indicator.project_id:
                errors["indicator"] = _("The indicator belongs to another project.")
            baseline_on = self.indicator.baseline_on
            if baseline_on and self.measured_on and self.measured_on < baseline_on:
                errors["measured_on"] = _(
                    "A measurement cannot be dated before the baseline (%(date)s)."
                ) % {"date": date_format(baseline_on, "SHORT_DATE_FORMAT")}
        _not_in_future(self.measured_on, "measured_on", errors)
        if errors:
            raise ValidationError(errors)


class Spending(StaysOnItsProject, VersionedModel, TimeStampedModel):
    """What a project spent in a year on external consultants and suppliers and on the
    organisations' own staff, and whether competence was built in-house."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="spending", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    external_hours = HoursField(_("external hours"), default=0)
    external_dkk = AmountField(_("external DKK"), default=0)
    internal_hours = HoursField(_("own staff hours"), default=0)
    internal_dkk = AmountField(_("own staff DKK"), default=0)
    competence_built = models.BooleanField(_("competence built in-house"), default=False)
    competence_roles = models.CharField(
        _("roles built in-house"),
        max_length=300,
        blank=True,
        help_text=_("For example data scientist, product owner, legal adviser."),
    )
    note = LimitedTextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["project", "year"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="spending_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="spending_year_plausible"
            ),
            not_negative("external_hours", "spending"),
            not_negative("external_dkk", "spending"),
            not_negative("internal_hours", "spending"),
            not_negative("internal_dkk", "spending"),
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.year}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    @property
    def total_dkk(self) -> int:
        return self.external_dkk + self.internal_dkk

    @property
    def external_share(self) -> Decimal | None:
        return consultant_share(self.external_dkk, self.internal_dkk)

    def clean(self):
        if self.competence_roles.strip() and not self.competence_built:
            raise ValidationError(
                {"competence_built": _("Tick this when roles were built in-house.")}
            )


def consultant_share(external_dkk, internal_dkk) -> Decimal | None:
    """External consultants' and suppliers' share of the spending in per cent, or None when
    nothing was spent."""
    external, internal = external_dkk or 0, internal_dkk or 0
    total = external + internal
    if not total:
        return None
    return (Decimal(external) / Decimal(total) * 100).quantize(Decimal("0.1"))


cvr_validator = RegexValidator(r"^\d{8}$", _("A CVR number has eight digits."))


class Supplier(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True, validators=[cvr_validator])

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="supplier_name_unique"),
            models.UniqueConstraint(
                fields=["cvr"], condition=~Q(cvr=""), name="supplier_cvr_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (CVR {self.cvr})" if self.cvr else self.name


class ProjectSupplier(VersionedModel, TimeStampedModel):
    """A supplier or consultancy that worked on a project, and in which role."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="supplier_links",
        verbose_name=_("project"),
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="projects", verbose_name=_("supplier")
    )
    role = models.CharField(_("role"), max_length=20, choices=SupplierRole.choices)
    note = models.CharField(_("what they did"), max_length=300, blank=True)

    class Meta:
        ordering = ["project", "supplier__name", "role"]
        verbose_name = _("project supplier")
        verbose_name_plural = _("project suppliers")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "supplier", "role"], name="project_supplier_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=SupplierRole.values), name="project_supplier_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} – {self.get_role_display()}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}


def refresh_indicator(indicator_id: int) -> None:
    """Keep the indicator's latest measurement on its row, on every write of a measurement."""
    latest = (
        BenefitMeasurement.objects.filter(indicator_id=indicator_id)
        .order_by("-measured_on", "-id")
        .values("value", "measured_on")
        .first()
    )
    BenefitIndicator.objects.filter(pk=indicator_id).update(
        latest_value=latest["value"] if latest else None,
        latest_on=latest["measured_on"] if latest else None,
    )
