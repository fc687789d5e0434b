"""The catalogue of reusable solutions that came out of the pilots, and who reuses them.

A solution is owned by one organisation; another organisation adopts it through the stages
interested → assessing → piloting → in operation, or stops. Every stage an adoption reaches
is kept as a dated row, so the funnel can tell how many adoptions ever reached each stage."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.numbers import AmountField

from .base import TimeStampedModel, VersionedModel
from .choices import StopReason
from .organisations import Organisation
from .projects import Project, not_negative
from .records import LessonLearned
from .text import DESCRIPTION_MAX_LENGTH, EXPLANATION_MAX_LENGTH, NOTE_MAX_LENGTH, LimitedTextField

# Licences offered in the form; any other licence may be typed.
COMMON_LICENCES = [
    "EUPL-1.2",
    "MIT",
    "Apache-2.0",
    "GPL-3.0-or-later",
    "AGPL-3.0-or-later",
    "MPL-2.0",
    "CC BY 4.0",
    "CC0 1.0",
    "Proprietær",
]


class SolutionKind(models.TextChoices):
    SOFTWARE = "software", _("Software")
    MODEL = "model", _("Trained model")
    PROCESS = "process", _("Process or method")
    TENDER = "tender", _("Contract or tender material")
    IMPACT_TEMPLATE = "impact_template", _("DPIA/FRIA template")
    LEGAL_MEMO = "legal_memo", _("Legal memo")


class SolutionMaturity(models.TextChoices):
    """How far the solution has come; publiccode.yml's developmentStatus says concept,
    development, beta, stable or obsolete, which these refine for public-sector reuse."""

    CONCEPT = "concept", _("Idea or concept")
    PILOT = "pilot", _("Pilot")
    PRODUCTION_ONE = "production_one", _("In production in one organisation")
    PRODUCTION_SEVERAL = "production_several", _("In production in several organisations")
    PRODUCT = "product", _("Maintained product")
    OBSOLETE = "obsolete", _("Retired")


class MaintenanceKind(models.TextChoices):
    """Who maintains the solution, as publiccode.yml's maintenance type."""

    INTERNAL = "internal", _("The owner organisation itself")
    CONTRACT = "contract", _("A supplier under contract")
    COMMUNITY = "community", _("A community of users")
    NONE = "none", _("Nobody")


class AdoptionStage(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    ASSESSING = "assessing", _("Assessing")
    PILOTING = "piloting", _("Piloting")
    IN_OPERATION = "in_operation", _("In operation")
    STOPPED = "stopped", _("Stopped")

    @classmethod
    def funnel(cls) -> list["AdoptionStage"]:
        """The stages an adoption moves forward through, in order (stopping is not one)."""
        return [cls.INTERESTED, cls.ASSESSING, cls.PILOTING, cls.IN_OPERATION]

    @classmethod
    def from_stage(cls, stage: str) -> list[str]:
        """The stage and every stage after it: an adoption at any of them reached `stage`."""
        values = [s.value for s in cls.funnel()]
        return values[values.index(stage) :]


class Solution(VersionedModel, TimeStampedModel):
    """A reusable solution: software, a trained model, a process, tender material, a DPIA
    or FRIA template or a legal memo that other organisations may take up."""

    title = models.CharField(_("title"), max_length=200)
    description = LimitedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=20, choices=SolutionKind.choices)
    licence = models.CharField(
        _("licence"),
        max_length=100,
        blank=True,
        help_text=_("For example EUPL-1.2, MIT or CC BY 4.0; or proprietary."),
    )
    link = models.URLField(_("link to the code or material"), max_length=500, blank=True)
    publiccode_url = models.URLField(
        _("publiccode.yml link"),
        max_length=500,
        blank=True,
        help_text=_(
            "A link to the solution's publiccode.yml file, the standard description of "
            "public software for reuse, if it has one."
        ),
    )
    maturity = models.CharField(_("maturity"), max_length=20, choices=SolutionMaturity.choices)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="solutions",
        verbose_name=_("owner organisation"),
    )
    maintenance = models.CharField(
        _("maintained by"), max_length=20, choices=MaintenanceKind.choices
    )
    maintenance_contact = models.CharField(
        _("maintenance contact"),
        max_length=200,
        blank=True,
        help_text=_("A name, a team or an e-mail address to ask about the solution."),
    )
    prerequisites = LimitedTextField(
        _("prerequisites"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("The data, systems and integrations an adopting organisation needs."),
    )
    running_cost_dkk = AmountField(_("running cost (DKK per year)"), null=True, blank=True)
    projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="solutions",
        verbose_name=_("projects it came out of"),
    )
    lessons = models.ManyToManyField(
        LessonLearned,
        blank=True,
        related_name="solutions",
        verbose_name=_("lessons learned"),
    )

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SolutionKind.values), name="solution_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(maturity__in=SolutionMaturity.values),
                name="solution_maturity_valid",
            ),
            models.CheckConstraint(
                condition=Q(maintenance__in=MaintenanceKind.values),
                name="solution_maintenance_valid",
            ),
            not_negative("running_cost_dkk", "solution"),
        ]
        indexes = [models.Index(fields=["maturity"], name="solution_maturity_idx")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_owner_id = instance.__dict__.get("owner_id")
        return instance

    def _owner_adopts_itself(self) -> bool:
        """Whether the owner is one of the organisations adopting the solution: an owner
        does not adopt its own solution, so the owner cannot become an adopter either."""
        stored = getattr(self, "_stored_owner_id", None)
        if self.pk is None or not self.owner_id or stored == self.owner_id:
            return False
        return self.adoptions.filter(organisation_id=self.owner_id).exists()

    def clean(self):
        if self._owner_adopts_itself():
            raise ValidationError(
                {"owner": _("This organisation adopts the solution; it cannot also own it.")}
            )

    def save(self, *args, **kwargs):
        if self._owner_adopts_itself():
            raise ValidationError(
                {"owner": _("This organisation adopts the solution; it cannot also own it.")}
            )
        super().save(*args, **kwargs)
        self._stored_owner_id = self.owner_id


class Adoption(VersionedModel, TimeStampedModel):
    """Another organisation taking up a solution. One open (not stopped) adoption per
    solution and organisation; a stopped one stays as history and a new one may follow."""

    solution = models.ForeignKey(
        Solution, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("solution")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="adoptions",
        verbose_name=_("adopting organisation"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=AdoptionStage.choices, default=AdoptionStage.INTERESTED
    )
    stage_since = models.DateField(_("stage reached on"), default=timezone.localdate)
    stop_reason = models.CharField(
        _("reason for stopping"),
        max_length=20,
        choices=StopReason.choices,
        blank=True,
        help_text=_("Required when the adoption is stopped."),
    )
    stop_explanation = LimitedTextField(
        _("why it stopped"), max_length=EXPLANATION_MAX_LENGTH, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    note = LimitedTextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    # When the owner organisation saw the new interest; empty until then.
    owner_seen_at = models.DateTimeField(
        _("seen by the owner at"), null=True, blank=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["solution", "organisation__name", "-created_at"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["solution", "organisation"],
                condition=~Q(stage=AdoptionStage.STOPPED),
                name="adoption_one_open_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=AdoptionStage.values), name="adoption_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(stop_reason="") | Q(stop_reason__in=StopReason.values),
                name="adoption_stop_reason_valid",
            ),
            models.CheckConstraint(
                condition=~Q(stage=AdoptionStage.STOPPED)
                | (~Q(stop_reason="") & ~Q(stop_explanation="")),
                name="adoption_stopped_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "stage"], name="adoption_org_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.solution}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_stage = instance.__dict__.get("stage")
        return instance

    @property
    def is_open(self) -> bool:
        return self.stage != AdoptionStage.STOPPED

    def _owner_error(self):
        """The owner organisation does not adopt its own solution."""
        if not (self.solution_id and self.organisation_id):
            return None
        owner_id = (
            Solution.objects.filter(pk=self.solution_id).values_list("owner_id", flat=True).first()
        )
        if owner_id == self.organisation_id:
            return _("The organisation owns the solution: it cannot adopt its own solution.")
        return None

    def _rule_errors(self) -> dict:
        """The rules that need other rows: the owner does not adopt its own solution, and an
        organisation has one open adoption of a solution."""
        owner_error = self._owner_error()
        if owner_error:
            return {"organisation": owner_error}
        if self.solution_id and self.organisation_id and self.is_open:
            others = Adoption.objects.filter(
                solution_id=self.solution_id, organisation_id=self.organisation_id
            ).exclude(stage=AdoptionStage.STOPPED)
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                return {
                    "organisation": _(
                        "The organisation has an open adoption of this solution already: "
                        "record its next stage there."
                    )
                }
        return {}

    def clean(self):
        errors = self._rule_errors()
        stored = getattr(self, "_stored_stage", None)
        if stored == AdoptionStage.STOPPED and self.stage != AdoptionStage.STOPPED:
            errors["stage"] = _(
                "A stopped adoption stays stopped: record a new adoption to start again."
            )
        if self.stage == AdoptionStage.STOPPED:
            if not self.stop_reason:
                errors["stop_reason"] = _("Choose why the adoption stopped.")
            if not self.stop_explanation.strip():
                errors["stop_explanation"] = _("Explain why the adoption stopped.")
        else:
            # A reason belongs to a stopped adoption only.
            self.stop_reason, self.stop_explanation = "", ""
        if self.stage_since and self.stage_since > timezone.localdate():
            errors["stage_since"] = _("The date cannot be in the future.")
        if self.pk and self.stage_since and stored != self.stage:
            last = (
                self.stage_changes.order_by("-changed_on")
                .values_list("changed_on", flat=True)
                .first()
            )
            if last and self.stage_since < last:
                errors["stage_since"] = _(
                    "The stage cannot be reached before the previous stage (%(date)s)."
                ) % {"date": last.isoformat()}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        """Refuses what no path may store (the owner adopting its own solution) and keeps the
        dated history of the stages reached, whether the write comes from a service, the
        Django admin or plain ORM code."""
        owner_error = self._owner_error()
        if owner_error:
            raise ValidationError({"organisation": owner_error})
        stored = getattr(self, "_stored_stage", None)
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding or stored != self.stage:
            AdoptionStageChange.objects.create(
                adoption=self,
                stage=self.stage,
                changed_on=self.stage_since,
                recorded_by=self.recorded_by,
            )
        self._stored_stage = self.stage


class AdoptionStageChange(models.Model):
    """A stage an adoption reached, and when: the adoption's dated history."""

    adoption = models.ForeignKey(
        Adoption, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("adoption")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=AdoptionStage.choices)
    changed_on = models.DateField(_("reached on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["adoption", "changed_on", "pk"]
        verbose_name = _("adoption stage change")
        verbose_name_plural = _("adoption stage changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=AdoptionStage.values), name="adoption_change_stage_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "adoption"], name="adoption_change_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.changed_on.isoformat()}"
