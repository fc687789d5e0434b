"""The project's log: status updates, barriers, decisions, lessons and review notes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel, VersionedModel, WithdrawableModel
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
    progress = models.TextField(_("progress"))
    next_steps = models.TextField(_("next steps"), blank=True)
    help_needed = models.BooleanField(_("help needed from the agency"), default=False)
    help_text = models.TextField(_("what help is needed"), blank=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        get_latest_by = ["reported_on", "id"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        indexes = [
            models.Index(
                fields=["project", "-reported_on", "-id"], name="statusupdate_project_date"
            ),
            models.Index(fields=["reported_on"], name="statusupdate_reported_on_idx"),
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


class Barrier(WithdrawableModel, VersionedModel, TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="barriers", verbose_name=_("project")
    )
    category = models.CharField(_("category"), max_length=20, choices=BarrierCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
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
    resolution = models.TextField(_("resolution"), blank=True)
    escalated = models.BooleanField(_("escalated to the agency"), default=False)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    author = _author_field(_("recorded by"), "barriers")

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
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    @property
    def is_open(self) -> bool:
        return self.status in BarrierStatus.open_values()


class Decision(WithdrawableModel, TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("project")
    )
    decided_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what was decided"))
    rationale = models.TextField(_("rationale"), blank=True)
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


class LessonLearned(WithdrawableModel, TimeStampedModel):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    what_happened = models.TextField(_("what happened"))
    advice = models.TextField(_("advice for others"))
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


class ReviewNote(VersionedModel, TimeStampedModel):
    """An agency reviewer's note or follow-up request, answered by the project."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="review_notes", verbose_name=_("project")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReviewNoteKind.choices, default=ReviewNoteKind.NOTE
    )
    text = models.TextField(_("note"))
    author = _author_field(_("reviewer"), "review_notes")
    answer = models.TextField(_("answer"), blank=True)
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

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
