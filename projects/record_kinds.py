"""The kinds of record kept in a project's log, and the kinds of entry on its timeline.

One registry drives the timeline (which records, dated by which field, drawn by which
template), withdrawal and restoring (the URL part of each withdrawable kind), so a new kind
of record is added here and in its template, not in every place that lists records.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from projects.models import Barrier, Decision, LessonLearned, Phase, StatusUpdate


@dataclass(frozen=True)
class RecordKind:
    """A kind of log record that is withdrawn rather than deleted."""

    slug: str  # the URL part, e.g. /projects/1/updates/7/withdraw/
    model: type[models.Model]
    label: Promise


RECORD_KINDS: dict[str, RecordKind] = {
    kind.slug: kind
    for kind in (
        RecordKind("updates", StatusUpdate, _("Status update")),
        RecordKind("barriers", Barrier, _("Barrier")),
        RecordKind("decisions", Decision, _("Decision")),
        RecordKind("lessons", LessonLearned, _("Lesson learned")),
    )
}
_SLUG_OF_MODEL = {kind.model: kind.slug for kind in RECORD_KINDS.values()}


def record_model(slug: str) -> type[models.Model] | None:
    """The model behind a URL part, or None for an unknown one."""
    kind = RECORD_KINDS.get(slug)
    return kind.model if kind else None


def slug_of(record: models.Model) -> str:
    return _SLUG_OF_MODEL[type(record)]


def anchor_of(record: models.Model) -> str:
    """The id of the record's entry on the project page's timeline."""
    kind = next(kind for kind in TIMELINE_KINDS if kind.withdrawable and kind.model is type(record))
    return f"{kind.name}-{record.pk}"


@dataclass(frozen=True)
class TimelineKind:
    """One kind of entry on the timeline: which records, dated by which field."""

    name: str
    label: Promise
    model: type[models.Model]
    date_field: str
    filters: dict = field(default_factory=dict)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    withdrawable: bool = False

    @property
    def template(self) -> str:
        return f"projects/timeline/{self.name}.html"

    @property
    def withdraw_slug(self) -> str:
        return _SLUG_OF_MODEL[self.model] if self.withdrawable else ""


# Entries of the same day are shown in this order: what a day ended with first.
TIMELINE_KINDS: tuple[TimelineKind, ...] = (
    TimelineKind(
        "lesson",
        _("Lesson learned"),
        LessonLearned,
        "learned_on",
        select_related=("author",),
        withdrawable=True,
    ),
    TimelineKind(
        "barrier_resolved",
        _("Barrier resolved"),
        Barrier,
        "resolved_on",
        filters={"resolved_on__isnull": False},
        prefetch_related=("decisions",),
    ),
    TimelineKind(
        "decision",
        _("Decision"),
        Decision,
        "decided_on",
        select_related=("author",),
        prefetch_related=("barriers",),
        withdrawable=True,
    ),
    TimelineKind("phase", _("Phase started"), Phase, "started_on"),
    TimelineKind(
        "status",
        _("Status update"),
        StatusUpdate,
        "reported_on",
        select_related=("author",),
        withdrawable=True,
    ),
    TimelineKind(
        "barrier_escalated",
        _("Escalated to the agency"),
        Barrier,
        "escalated_on",
        filters={"escalated": True, "escalated_on__isnull": False},
        select_related=("escalated_by",),
    ),
    TimelineKind(
        "barrier_opened", _("Barrier identified"), Barrier, "identified_on", withdrawable=True
    ),
)
SAME_DAY_ORDER = {kind.name: position for position, kind in enumerate(TIMELINE_KINDS)}
