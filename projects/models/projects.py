import threading
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.numbers import AmountField

from .base import TimeStampedModel, VersionedModel
from .choices import (
    AIActRiskClass,
    AIActRole,
    AITechnique,
    AnnexIIIArea,
    Area,
    DPIAStatus,
    GateDecision,
    Outcome,
    ParticipationKind,
    PhaseKind,
    StopReason,
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


def not_negative(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=f"{model}_{field}_not_negative",
    )


# Projects being deleted in this thread: the rows that go with them need not recompute them.
_deleting = threading.local()


@contextmanager
def _deleting_projects(ids):
    before = getattr(_deleting, "ids", frozenset())
    _deleting.ids = before | frozenset(ids)
    try:
        yield
    finally:
        _deleting.ids = before


def being_deleted(project_id) -> bool:
    return project_id in getattr(_deleting, "ids", ())


class ProjectQuerySet(models.QuerySet):
    def delete(self):
        with _deleting_projects(self.values_list("pk", flat=True)):
            return super().delete()

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
        through="Participation",
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
    # How the last stop at a gate ended the project (stopped or closed without operation),
    # kept so that the outcome returns to it when no organisation runs the solution.
    closing_outcome = models.CharField(
        _("how the project closed"),
        max_length=20,
        choices=[(value, Outcome(value).label) for value in Outcome.closed_values()],
        blank=True,
    )
    closing_reason = models.CharField(
        _("reason for closing without operation"),
        max_length=20,
        choices=StopReason.choices,
        blank=True,
    )
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
    dpia_completed_on = models.DateField(_("DPIA completed on"), null=True, blank=True)
    dpia_link = models.URLField(
        _("DPIA document"),
        max_length=500,
        blank=True,
        help_text=_("A link to the document in the organisation's own archive."),
    )
    dpia_approved_by = models.CharField(_("DPIA approved by"), max_length=200, blank=True)
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
    annex_iii_area = models.CharField(
        _("AI Act Annex III area"),
        max_length=30,
        choices=AnnexIIIArea.choices,
        blank=True,
        help_text=_("The high-risk area of Annex III the system falls in, if any."),
    )
    # Benefits are measured by indicators (BenefitIndicator); this says what they leave out.
    benefits_note = LimitedTextField(_("benefits note"), max_length=NOTE_MAX_LENGTH, blank=True)

    # Kept right from the indicators and the spending on every write of those (see
    # refresh_derived), so that the portfolio filters and sorts on them at any size.
    realisation_percent = models.DecimalField(
        _("benefits realised (%)"),
        max_digits=9,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The average realisation of the project's measured indicators."),
    )
    consultant_share = models.DecimalField(
        _("external consultants' share (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            not_negative("grant_dkk", "project"),
            not_negative("total_budget_dkk", "project"),
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
            models.CheckConstraint(
                condition=~Q(outcome__in=Outcome.closed_values()) | ~Q(closing_reason=""),
                name="project_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(closing_reason="") | Q(closing_reason__in=StopReason.values),
                name="project_closing_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(closing_outcome="") | Q(closing_outcome__in=Outcome.closed_values()),
                name="project_closing_outcome_valid",
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

    def delete(self, *args, **kwargs):
        with _deleting_projects([self.pk]):
            return super().delete(*args, **kwargs)

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

    def organisation_ids(self) -> list[int]:
        """The lead and the participating organisations (read from a prefetch when there is
        one)."""
        return [self.lead_organisation_id, *(o.pk for o in self.participants.all())]

    def has_organisation(self, organisation_id: int) -> bool:
        return organisation_id in self.organisation_ids()


class Participation(TimeStampedModel):
    """An organisation taking part in a project besides its lead: a partner in the pilot, or
    an organisation that joined later to adopt the solution (which makes it spread)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, verbose_name=_("project"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, verbose_name=_("organisation")
    )
    kind = models.CharField(
        _("taking part as"),
        max_length=20,
        choices=ParticipationKind.choices,
        default=ParticipationKind.PARTNER,
    )

    class Meta:
        db_table = "projects_project_participants"
        unique_together = [("project", "organisation")]
        ordering = ["project", "organisation__name"]
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ParticipationKind.values), name="participation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_kind_display()}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    def clean(self):
        if self.project_id and self.organisation_id == self.project.lead_organisation_id:
            raise ValidationError(
                {"organisation": _("The lead organisation does not participate besides.")}
            )


# The widest realisation the project's column holds (9 digits, one of them a decimal). A
# mistyped target barely off its baseline can put a measurement millions of per cent away.
REALISATION_PERCENT_LIMIT = Decimal("99999999.9")


def _stored_percent(percent: Decimal) -> Decimal:
    percent = percent.quantize(Decimal("0.1"))
    return max(-REALISATION_PERCENT_LIMIT, min(REALISATION_PERCENT_LIMIT, percent))


def refresh_derived(project_id: int) -> None:
    """Set a project's current phase, outcome, status, last update date and help flag from
    its phases, status updates and operation decisions, and its benefit realisation and
    consultant share from its indicators and spending. Runs on every write of those (whichever
    path it takes), under a lock of the project row, so concurrent writers cannot leave it
    behind."""
    from .choices import OperationDecisionKind
    from .destination import (
        BenefitIndicator,
        OperationDecision,
        Realisation,
        Spending,
        consultant_share,
    )
    from .records import StatusUpdate

    with transaction.atomic():
        # NO KEY UPDATE does not wait for rows that merely reference the project, so taking
        # it after inserting a child row cannot deadlock with another child insert.
        project = (
            Project.objects.select_for_update(no_key=True)
            .filter(pk=project_id)
            .only("outcome", "closing_outcome", "lead_organisation_id")
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
        participants = dict(
            Participation.objects.filter(project_id=project_id).values_list(
                "organisation_id", "kind"
            )
        )
        adopters = {pk for pk, kind in participants.items() if kind == ParticipationKind.ADOPTER}
        # A decision stays recorded when its organisation leaves the project, but no longer
        # counts (as in the lists and the dashboard).
        running = set(
            OperationDecision.objects.filter(
                project_id=project_id, decision=OperationDecisionKind.IN_OPERATION
            ).values_list("organisation_id", flat=True)
        ) & {project.lead_organisation_id, *participants}
        percents = [
            realisation.percent
            for realisation in (
                Realisation.of(baseline=b, target=t, latest=v)
                for b, t, v in BenefitIndicator.objects.filter(project_id=project_id).values_list(
                    "baseline_value", "target_value", "latest_value"
                )
            )
            if realisation.percent is not None
        ]
        spent = Spending.objects.filter(project_id=project_id).aggregate(
            external=models.Sum("external_dkk"), internal=models.Sum("internal_dkk")
        )
        Project.objects.filter(pk=project_id).update(
            current_phase=phase.kind if phase else "",
            outcome=Outcome.following(
                phase,
                current=project.outcome,
                closing_outcome=project.closing_outcome,
                in_operation=bool(running),
                spread=bool(running & adopters),
            ),
            current_status=latest["overall_status"] if latest else "",
            last_status_on=latest["reported_on"] if latest else None,
            help_requested=latest["help_needed"] if latest else False,
            realisation_percent=_stored_percent(sum(percents) / len(percents))
            if percents
            else None,
            consultant_share=consultant_share(spent["external"], spent["internal"]),
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
    # Going into operation with AI Act obligations still open, allowed by an agency
    # administrator for a recorded reason.
    obligations_override_reason = LimitedTextField(
        _("reason for going on with open obligations"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
    )
    obligations_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("open obligations allowed by"),
    )

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
        if self.gate_decision == GateDecision.STOP and self.ended_on and self.project_id:
            # A stop closes the project, which must say why (read as stored: the service
            # records the reason just before the phase).
            reason = (
                Project.objects.filter(pk=self.project_id)
                .values_list("closing_reason", flat=True)
                .first()
            )
            if not reason:
                errors["gate_decision"] = _(
                    "Record on the project why it closes without operation before stopping it."
                )
        if errors:
            raise ValidationError(errors)
