from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel, VersionedModel
from .choices import (
    AIActRiskClass,
    AIActRole,
    AITechnique,
    Area,
    DPIAStatus,
    GateDecision,
    Outcome,
    PhaseKind,
    TrafficLight,
    YesNoUnknown,
)
from .organisations import FundingRound, Organisation


def _not_negative(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=f"{model}_{field}_not_negative",
    )


class ProjectQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived=False)


class Project(VersionedModel, TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), help_text=_("The problem and the purpose."))
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("lead organisation"),
    )
    participants = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="participating_projects",
        verbose_name=_("participating organisations"),
    )
    funding_round = models.ForeignKey(
        FundingRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("funding round"),
    )
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    ai_technique = models.CharField(
        _("AI technique"), max_length=20, choices=AITechnique.choices, default=AITechnique.OTHER
    )
    grant_dkk = models.BigIntegerField(_("grant (DKK)"), default=0)
    total_budget_dkk = models.BigIntegerField(_("total budget (DKK)"), default=0)
    project_owner = models.CharField(_("project owner"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    planned_end_date = models.DateField(_("planned end date"), null=True, blank=True)

    # Kept right by the services that open and close phases and log status updates, so that
    # lists and filters never need to look into the phase or status history.
    current_phase = models.CharField(
        _("current phase"), max_length=20, choices=PhaseKind.choices, blank=True
    )
    current_status = models.CharField(
        _("overall status"), max_length=10, choices=TrafficLight.choices, blank=True
    )
    last_status_on = models.DateField(_("last status update"), null=True, blank=True)
    help_requested = models.BooleanField(_("help requested from the agency"), default=False)

    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.ONGOING
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    # Legal and risk profile.
    personal_data = models.CharField(
        _("personal data processed"),
        max_length=10,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    dpia_status = models.CharField(
        _("DPIA status"), max_length=20, choices=DPIAStatus.choices, default=DPIAStatus.NOT_STARTED
    )
    ai_act_risk_class = models.CharField(
        _("AI Act risk class"),
        max_length=20,
        choices=AIActRiskClass.choices,
        default=AIActRiskClass.NOT_ASSESSED,
    )
    ai_act_role = models.CharField(
        _("AI Act role"), max_length=20, choices=AIActRole.choices, blank=True
    )
    medical_device = models.CharField(
        _("medical device (MDR)"),
        max_length=10,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    suppliers = models.TextField(_("suppliers and consultants"), blank=True)

    # Benefits.
    expected_hours_per_year = models.IntegerField(
        _("expected hours saved per year"), null=True, blank=True
    )
    realised_hours_per_year = models.IntegerField(
        _("realised hours saved per year"), null=True, blank=True
    )
    expected_dkk_per_year = models.BigIntegerField(
        _("expected DKK saved per year"), null=True, blank=True
    )
    realised_dkk_per_year = models.BigIntegerField(
        _("realised DKK saved per year"), null=True, blank=True
    )
    benefits_note = models.TextField(_("benefits note"), blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            _not_negative("grant_dkk", "project"),
            _not_negative("total_budget_dkk", "project"),
            _not_negative("expected_hours_per_year", "project"),
            _not_negative("realised_hours_per_year", "project"),
            _not_negative("expected_dkk_per_year", "project"),
            _not_negative("realised_dkk_per_year", "project"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(planned_end_date__isnull=True)
                | Q(planned_end_date__gte=F("start_date")),
                name="project_planned_end_not_before_start",
            ),
            models.CheckConstraint(condition=Q(area__in=Area.values), name="project_area_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="project_outcome_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["current_phase"], name="project_current_phase_idx"),
            models.Index(fields=["outcome"], name="project_outcome_idx"),
            models.Index(fields=["current_status"], name="project_current_status_idx"),
            models.Index(fields=["last_status_on"], name="project_last_status_on_idx"),
            models.Index(fields=["area"], name="project_area_idx"),
            models.Index(fields=["updated_at"], name="project_updated_at_idx"),
            models.Index(fields=["title", "id"], name="project_title_idx"),
            models.Index(
                fields=["id"], condition=Q(help_requested=True), name="project_help_requested"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"project_id": self.pk}


class Phase(VersionedModel, TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phases", verbose_name=_("project")
    )
    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    started_on = models.DateField(_("started on"))
    planned_end_on = models.DateField(_("planned end"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    # The gate decision at the end of the phase ("on hold" is recorded on an open phase).
    gate_decision = models.CharField(
        _("gate decision"), max_length=20, choices=GateDecision.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.CharField(
        _("decided by"), max_length=200, blank=True, help_text=_("For example the steering group.")
    )
    rationale = models.TextField(_("rationale"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)

    class Meta:
        ordering = ["project", "started_on", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(ended_on__isnull=True),
                name="phase_one_open_per_project",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="phase_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True) | Q(planned_end_on__gte=F("started_on")),
                name="phase_planned_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(
                    gate_decision__in=[
                        GateDecision.GO,
                        GateDecision.GO_WITH_CONDITIONS,
                        GateDecision.STOP,
                    ]
                ),
                name="phase_ended_by_gate_decision",
            ),
            models.CheckConstraint(
                condition=Q(gate_decision="") | Q(decided_on__isnull=False),
                name="phase_gate_decision_dated",
            ),
            models.CheckConstraint(condition=Q(kind__in=PhaseKind.values), name="phase_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.get_kind_display()}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
