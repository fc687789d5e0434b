from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.numbers import AmountField, HoursField

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
from .text import (
    DESCRIPTION_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    LimitedTextField,
)


def _not_negative(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=f"{model}_{field}_not_negative",
    )


class ProjectQuerySet(models.QuerySet):
    def active(self):
        """Not archived: what lists, the dashboard and exports show."""
        return self.filter(archived=False)

    def live(self):
        """Neither stopped nor closed: the projects that can still need attention."""
        return self.exclude(outcome__in=Outcome.closed_values())

    def stale(self, days: int):
        """No status update for more than `days` days (or none at all)."""
        return self.filter(self.stale_condition(days))

    @staticmethod
    def stale_condition(days: int) -> Q:
        limit = timezone.localdate() - timedelta(days=days)
        return Q(last_status_on__lt=limit) | Q(last_status_on__isnull=True)

    @staticmethod
    def escalated_barrier() -> Exists:
        """An open barrier of the project is escalated to the agency."""
        from .records import Barrier

        return Exists(Barrier.objects.open().filter(project=OuterRef("pk"), escalated=True))

    @staticmethod
    def open_follow_up() -> Exists:
        """The agency waits for an answer or for closing a follow-up request."""
        from .choices import ReviewNoteKind
        from .records import ReviewNote

        return Exists(
            ReviewNote.objects.filter(
                project=OuterRef("pk"), kind=ReviewNoteKind.FOLLOW_UP, closed_at__isnull=True
            )
        )

    def with_flags(self, *, follow_ups_of: list[int] | None = None):
        """Each project with the flags list rows show. Follow-up requests are flagged only on
        projects led by `follow_ups_of` (organisation ids) when given: they are between the
        agency and the lead organisation."""
        follow_up = self.open_follow_up()
        if follow_ups_of is not None:
            follow_up = Case(
                When(lead_organisation_id__in=follow_ups_of, then=follow_up),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        return self.annotate(escalated_barrier=self.escalated_barrier(), open_follow_up=follow_up)

    def needing_attention(self):
        """Live projects that are red, have an escalated barrier or ask for help."""
        return self.live().filter(
            Q(current_status=TrafficLight.RED)
            | Q(self.escalated_barrier())
            | Q(help_requested=True)
        )


class Project(VersionedModel, TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    summary = LimitedTextField(
        _("summary"),
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text=_("The problem and the purpose."),
    )
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
    grant_dkk = AmountField(_("grant (DKK)"), default=0)
    total_budget_dkk = AmountField(_("total budget (DKK)"), default=0)
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
    outcome_note = LimitedTextField(_("outcome note"), max_length=NOTE_MAX_LENGTH, blank=True)
    archived = models.BooleanField(_("archived"), default=False)

    # Legal and risk profile.
    personal_data = models.CharField(
        _("personal data processed"),
        max_length=10,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    legal_basis = LimitedTextField(_("legal basis"), max_length=NOTE_MAX_LENGTH, blank=True)
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
    suppliers = LimitedTextField(
        _("suppliers and consultants"), max_length=NOTE_MAX_LENGTH, blank=True
    )

    # Benefits.
    expected_hours_per_year = HoursField(_("expected hours saved per year"), null=True, blank=True)
    realised_hours_per_year = HoursField(_("realised hours saved per year"), null=True, blank=True)
    expected_dkk_per_year = AmountField(_("expected DKK saved per year"), null=True, blank=True)
    realised_dkk_per_year = AmountField(_("realised DKK saved per year"), null=True, blank=True)
    benefits_note = LimitedTextField(_("benefits note"), max_length=NOTE_MAX_LENGTH, blank=True)

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
            models.Index(fields=["title", "id"], name="project_title_idx"),
            models.Index(
                fields=["id"], condition=Q(help_requested=True), name="project_help_requested"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"project_id": self.pk}

    def clean(self):
        if self.start_date and self.planned_end_date and self.planned_end_date < self.start_date:
            raise ValidationError(
                {"planned_end_date": _("The planned end cannot be before the start.")}
            )

    @property
    def is_closed(self) -> bool:
        return self.outcome in Outcome.closed_values()


def refresh_derived(project_id: int) -> None:
    """Set a project's current phase, outcome, status, last update date and help flag from
    its phases and status updates. Runs on every write of those (whichever path it takes),
    under a lock of the project row, so concurrent writers cannot leave it behind."""
    from .records import StatusUpdate

    with transaction.atomic():
        # NO KEY UPDATE does not wait for rows that merely reference the project, so taking
        # it after inserting a child row cannot deadlock with another child insert.
        project = (
            Project.objects.select_for_update(no_key=True)
            .filter(pk=project_id)
            .only("outcome")
            .first()
        )
        if project is None:  # the project itself is being deleted
            return
        phase = (
            Phase.objects.filter(project_id=project_id)
            .order_by("-started_on", "-id")
            .only("kind", "ended_on", "gate_decision")
            .first()
        )
        latest = (
            StatusUpdate.objects.filter(project_id=project_id)
            .order_by("-reported_on", "-id")
            .values("overall_status", "reported_on", "help_needed")
            .first()
        )
        Project.objects.filter(pk=project_id).update(
            current_phase=phase.kind if phase else "",
            outcome=Outcome.following(phase, current=project.outcome),
            current_status=latest["overall_status"] if latest else "",
            last_status_on=latest["reported_on"] if latest else None,
            help_requested=latest["help_needed"] if latest else False,
            updated_at=timezone.now(),
        )


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
    # Copied to the gate decision's log entry as its description and rationale, whose
    # limits are at least as large.
    rationale = LimitedTextField(_("rationale"), max_length=EXPLANATION_MAX_LENGTH, blank=True)
    conditions = LimitedTextField(_("conditions"), max_length=NOTE_MAX_LENGTH, blank=True)

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

    def clean(self):
        errors = {}
        if self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("A phase cannot end before it started.")
        if self.decided_on and self.started_on and self.decided_on < self.started_on:
            errors["decided_on"] = _(
                "The decision cannot be dated before the phase started (%(date)s)."
            ) % {"date": date_format(self.started_on, "SHORT_DATE_FORMAT")}
        if self.gate_decision == GateDecision.GO_WITH_CONDITIONS and not self.conditions.strip():
            errors["conditions"] = _("State the conditions for going on.")
        if errors:
            raise ValidationError(errors)
