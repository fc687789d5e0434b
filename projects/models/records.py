"""The project's records: status updates, barriers, decisions, lessons and review notes.

The rules a record keeps on its own are in its `clean()` and its database constraints, so that
forms, services, the Django admin and plain ORM code all keep them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .base import (
    CurrentManager,
    RecordQuerySet,
    TimeStampedModel,
    VersionedModel,
    WithdrawableModel,
)
from .choices import (
    BarrierCategory,
    BarrierStatus,
    DecisionKind,
    LessonCategory,
    LessonVisibility,
    PhaseKind,
    ReviewNoteKind,
    Severity,
    TrafficLight,
)
from .projects import Project
from .text import (
    DESCRIPTION_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    LimitedTextField,
)


def _date_errors(instance, *fields: str) -> dict:
    errors = {}
    for name in fields:
        value = getattr(instance, name)
        if value and value > timezone.localdate():
            label = instance._meta.get_field(name).verbose_name
            errors[name] = _("%(field)s cannot be in the future.") % {
                "field": str(label).capitalize()
            }
    return errors


def _short(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _author_field(verbose_name, related_name: str):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class StatusUpdate(WithdrawableModel, TimeStampedModel):
    """One dated report on a project; the history is kept, never overwritten."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="status_updates", verbose_name=_("project")
    )
    reported_on = models.DateField(_("reporting date"))
    author = _author_field(_("author"), "status_updates")
    overall_status = models.CharField(
        _("overall status"), max_length=10, choices=TrafficLight.choices
    )
    schedule_status = models.CharField(_("schedule"), max_length=10, choices=TrafficLight.choices)
    budget_status = models.CharField(_("budget"), max_length=10, choices=TrafficLight.choices)
    benefits_status = models.CharField(_("benefits"), max_length=10, choices=TrafficLight.choices)
    progress = LimitedTextField(_("progress"), max_length=DESCRIPTION_MAX_LENGTH)
    next_steps = LimitedTextField(_("next steps"), max_length=NOTE_MAX_LENGTH, blank=True)
    help_needed = models.BooleanField(_("help needed from the agency"), default=False)
    help_text = LimitedTextField(_("what help is needed"), max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        indexes = [
            models.Index(
                fields=["project", "-reported_on", "-id"], name="statusupdate_project_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(help_needed=False) | ~Q(help_text=""),
                name="statusupdate_help_needed_explained",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__in": TrafficLight.values}),
                    name=f"statusupdate_{field}_valid",
                )
                for field in (
                    "overall_status",
                    "schedule_status",
                    "budget_status",
                    "benefits_status",
                )
            ],
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.reported_on:%Y-%m-%d}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    def clean(self):
        errors = _date_errors(self, "reported_on")
        if self.help_needed and not self.help_text.strip():
            errors["help_text"] = _("Tell the agency what help you need.")
        if not self.help_needed:
            self.help_text = ""
        start = self.project.start_date if self.project_id else None
        if self.reported_on and start and self.reported_on < start and "reported_on" not in errors:
            errors["reported_on"] = _(
                "The reporting date cannot be before the project started (%(date)s)."
            ) % {"date": _short(start)}
        if errors:
            raise ValidationError(errors)


class BarrierQuerySet(RecordQuerySet):
    def open(self):
        """Barriers that still stand in their project's way."""
        return self.filter(status__in=BarrierStatus.open_values())


class Barrier(WithdrawableModel, VersionedModel, TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="barriers", verbose_name=_("project")
    )
    category = models.CharField(_("category"), max_length=20, choices=BarrierCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = LimitedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BarrierStatus.choices, default=BarrierStatus.OPEN
    )
    phase = models.CharField(
        _("phase it arose in"), max_length=20, choices=PhaseKind.choices, blank=True
    )
    identified_on = models.DateField(_("identified on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = LimitedTextField(_("resolution"), max_length=EXPLANATION_MAX_LENGTH, blank=True)
    escalated = models.BooleanField(_("escalated to the agency"), default=False)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    escalation_request = LimitedTextField(
        _("what the agency is asked to do"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Required when the barrier is escalated: what should the agency do?"),
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("escalated by"),
    )
    open_reason = LimitedTextField(
        _("why it stays open"),
        max_length=EXPLANATION_MAX_LENGTH,
        blank=True,
        help_text=_("Why the barrier was kept open when its project closed."),
    )
    author = _author_field(_("recorded by"), "barriers")

    objects = CurrentManager.from_queryset(BarrierQuerySet)()
    all_objects = models.Manager.from_queryset(BarrierQuerySet)()  # noqa: DJ012 (a manager)

    class Meta:
        ordering = ["-identified_on", "-id"]
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")
        indexes = [
            models.Index(fields=["project", "status"], name="barrier_project_status"),
            models.Index(fields=["category", "phase", "status"], name="barrier_category_phase"),
            models.Index(
                fields=["escalated"], condition=Q(escalated=True), name="barrier_escalated"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("identified_on")),
                name="barrier_resolved_not_before_identified",
            ),
            models.CheckConstraint(
                condition=~Q(status=BarrierStatus.RESOLVED)
                | (~Q(resolution="") & Q(resolved_on__isnull=False)),
                name="barrier_resolved_has_resolution",
            ),
            models.CheckConstraint(
                condition=Q(category__in=BarrierCategory.values), name="barrier_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BarrierStatus.values), name="barrier_status_valid"
            ),
            # The agency is told what it is asked to do, and since when.
            models.CheckConstraint(
                condition=Q(escalated=False)
                | (~Q(escalation_request="") & Q(escalated_on__isnull=False)),
                name="barrier_escalated_has_request",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    def clean(self):
        errors = _date_errors(self, "identified_on")
        if self.identified_on and self.resolved_on and self.resolved_on < self.identified_on:
            errors["resolved_on"] = _(
                "A barrier cannot be resolved before it was found (%(date)s)."
            ) % {"date": _short(self.identified_on)}
        if self.status == BarrierStatus.RESOLVED:
            if not self.resolution.strip():
                errors["resolution"] = _("Describe how the barrier was resolved.")
            if not self.resolved_on and "resolved_on" not in errors:
                errors["resolved_on"] = _("Give the date the barrier was resolved.")
        if self.escalated:
            if not self.escalation_request.strip():
                errors["escalation_request"] = _("Tell the agency what it is asked to do.")
            if self.status not in BarrierStatus.open_values() and not self._escalated_before():
                errors["escalated"] = _("Only an open barrier can be escalated to the agency.")
            if self.escalated_on is None:
                self.escalated_on = timezone.localdate()
        else:
            # Only an escalated barrier asks the agency for anything.
            self.escalation_request, self.escalated_on, self.escalated_by = "", None, None
        if errors:
            raise ValidationError(errors)

    def _escalated_before(self) -> bool:
        """Whether the stored barrier is escalated already: one escalated while open may be
        resolved later and stay escalated, but a resolved or closed one is not escalated anew."""
        if self.pk is None:
            return False
        return Barrier.all_objects.filter(pk=self.pk, escalated=True).exists()

    @property
    def resolving_decision(self):
        """The decision that resolved the barrier, its text being the resolution (see
        `record_decision`), or None. Reads the decisions prefetched with the barrier."""
        if self.status != BarrierStatus.RESOLVED:
            return None
        return next(
            (
                decision
                for decision in self.decisions.all()
                if decision.decided_on == self.resolved_on
                and decision.description == self.resolution
            ),
            None,
        )


class Decision(WithdrawableModel, TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("project")
    )
    decided_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = LimitedTextField(_("what was decided"), max_length=DESCRIPTION_MAX_LENGTH)
    rationale = LimitedTextField(_("rationale"), max_length=EXPLANATION_MAX_LENGTH, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DecisionKind.choices, default=DecisionKind.OTHER
    )
    barriers = models.ManyToManyField(
        Barrier, blank=True, related_name="decisions", verbose_name=_("related barriers")
    )
    author = _author_field(_("recorded by"), "decisions")

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [
            models.Index(fields=["project", "-decided_on"], name="decision_project_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="decision_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    def clean(self):
        errors = _date_errors(self, "decided_on")
        if errors:
            raise ValidationError(errors)

    def check_barriers(self, barriers) -> None:
        """A decision relates to barriers of its own project only."""
        if any(barrier.project_id != self.project_id for barrier in barriers):
            raise ValidationError({"barriers": _("Choose barriers of this project only.")})


class LessonLearned(WithdrawableModel, TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    what_happened = LimitedTextField(_("what happened"), max_length=DESCRIPTION_MAX_LENGTH)
    advice = LimitedTextField(_("advice for others"), max_length=DESCRIPTION_MAX_LENGTH)
    category = models.CharField(_("category"), max_length=20, choices=LessonCategory.choices)
    phase = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices, blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=LessonVisibility.choices,
        default=LessonVisibility.PROJECT,
    )
    barrier = models.ForeignKey(
        Barrier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("barrier it came from"),
    )
    author = _author_field(_("author"), "lessons")
    learned_on = models.DateField(_("date"))

    class Meta:
        ordering = ["-learned_on", "-id"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        indexes = [
            models.Index(fields=["project", "-learned_on"], name="lesson_project_date"),
            models.Index(fields=["visibility", "category", "phase"], name="lesson_shared_category"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=LessonCategory.values), name="lesson_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=LessonVisibility.values),
                name="lesson_visibility_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    def clean(self):
        errors = _date_errors(self, "learned_on")
        if self.barrier_id and self.barrier.project_id != self.project_id:
            errors["barrier"] = _("Choose a barrier of this project only.")
        if errors:
            raise ValidationError(errors)


class ReviewNote(VersionedModel, TimeStampedModel):
    """An agency reviewer's note or follow-up request, answered by the project."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="review_notes", verbose_name=_("project")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReviewNoteKind.choices, default=ReviewNoteKind.NOTE
    )
    text = LimitedTextField(_("note"), max_length=EXPLANATION_MAX_LENGTH)
    author = _author_field(_("reviewer"), "review_notes")
    answer = LimitedTextField(_("answer"), max_length=EXPLANATION_MAX_LENGTH, blank=True)
    answered_by = _author_field(_("answered by"), "answered_review_notes")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_by = _author_field(_("closed by"), "closed_review_notes")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")
        indexes = [
            models.Index(
                fields=["project"], condition=Q(closed_at__isnull=True), name="reviewnote_open"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="reviewnote_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReviewNoteKind.values), name="reviewnote_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    def clean(self):
        if self.answered_at is not None and not self.answer.strip():
            raise ValidationError({"answer": _("Write an answer.")})

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
