"""The project page: its phases, latest status, open barriers and one timeline of records."""

from dataclasses import dataclass
from datetime import date

from django.db import models

from projects.access import ProjectAccess, lessons_visible_to
from projects.models import Barrier, Phase, Project, ReviewNote, StatusUpdate
from projects.record_kinds import SAME_DAY_ORDER, TIMELINE_KINDS, TimelineKind
from projects.selectors.compliance import project_compliance
from projects.selectors.destination import project_destination
from projects.selectors.legal import project_legal_questions

# The project page shows the newest entries; "Show more" adds a page at a time, up to a bound
# (two years of weekly updates fit), so that no address makes the page draw an unbounded log.
TIMELINE_PAGE = 20
TIMELINE_MAX = 500


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: TimelineKind
    record: models.Model

    @property
    def anchor(self) -> str:
        return f"{self.kind.name}-{self.record.pk}"


@dataclass(frozen=True)
class Timeline:
    """The entries the project page shows, and where "Show more" leads when there are more."""

    entries: list[TimelineEntry]
    length: int
    next_entry: TimelineEntry | None  # the newest entry not shown

    @property
    def more_url(self) -> str:
        """The page with the next entries too, scrolled to the first of them. A real link:
        it works without JavaScript and can be bookmarked."""
        if self.next_entry is None or self.length >= TIMELINE_MAX:
            return ""
        longer = min(self.length + TIMELINE_PAGE, TIMELINE_MAX)
        return f"?timeline={longer}#{self.next_entry.anchor}"

    @property
    def capped(self) -> bool:
        """Older entries than the page will ever show exist (see the change history)."""
        return self.next_entry is not None and self.length >= TIMELINE_MAX


def timeline_length(value: str | None) -> int:
    """How many entries `?timeline=` asks for: a whole number of entries, or "all" (the
    address a saved record links to), always within TIMELINE_PAGE and TIMELINE_MAX."""
    if value == "all":
        return TIMELINE_MAX
    try:
        length = int(value or TIMELINE_PAGE)
    except ValueError:
        return TIMELINE_PAGE
    return max(TIMELINE_PAGE, min(length, TIMELINE_MAX))


def project_timeline(
    project: Project, *, limit: int | None = TIMELINE_PAGE, phases: list[Phase] | None = None
) -> list[TimelineEntry]:
    """The newest `limit` entries (all if None) of every kind in `TIMELINE_KINDS`, newest
    first: one query per kind, each bounded by `limit`, whatever the length of the history.
    A project has a handful of phases; pass them if they are loaded already."""
    entries = []
    for kind in TIMELINE_KINDS:
        if kind.model is Phase and phases is not None:
            records = phases
        else:
            records = kind.model.objects.filter(project=project, **kind.filters)
            if kind.select_related:
                records = records.select_related(*kind.select_related)
            if kind.prefetch_related:
                records = records.prefetch_related(*kind.prefetch_related)
            records = records.order_by(f"-{kind.date_field}", "-pk")
            if limit:
                records = records[:limit]
        for record in records:
            record.project = project  # already loaded; spares a query per entry
            entries.append(TimelineEntry(getattr(record, kind.date_field), kind, record))
    entries.sort(
        key=lambda entry: (entry.on, -SAME_DAY_ORDER[entry.kind.name], entry.record.pk),
        reverse=True,
    )
    return entries[:limit] if limit else entries


def withdrawn_entries(project: Project) -> list[models.Model]:
    """The project's withdrawn records, newest withdrawal first, to restore from."""
    from projects.record_kinds import RECORD_KINDS

    entries = []
    for kind in RECORD_KINDS.values():
        withdrawn = kind.model.all_objects.withdrawn().filter(project=project)
        for record in withdrawn.select_related("withdrawn_by"):
            record.project = project
            record.record_kind = kind
            entries.append(record)
    return sorted(entries, key=lambda record: record.withdrawn_at, reverse=True)


def timeline_page(
    project: Project, *, length: int = TIMELINE_PAGE, phases: list[Phase] | None = None
) -> Timeline:
    """The newest `length` entries, and the one after them: reading one entry more per kind
    tells whether there are more, without another query."""
    entries = project_timeline(project, limit=length + 1, phases=phases)
    return Timeline(
        entries=entries[:length],
        length=length,
        next_entry=entries[length] if len(entries) > length else None,
    )


def project_page(access: ProjectAccess, *, timeline_length: int = TIMELINE_PAGE) -> dict:
    """What the project page shows, in a fixed number of queries whatever the length of the
    project's history."""
    project = access.project
    phases = list(
        Phase.objects.filter(project=project)
        .select_related("obligations_overridden_by")
        .order_by("started_on", "pk")
    )
    latest_update = (
        StatusUpdate.objects.filter(project=project).order_by("-reported_on", "-pk").first()
    )
    open_barriers = list(
        Barrier.objects.open().filter(project=project).select_related("escalated_by")
    )
    return {
        "access": access,
        "project": project,
        "phases": phases,
        "current_phase": next((phase for phase in phases if phase.is_open), None),
        "latest_update": latest_update,
        "open_barriers": open_barriers,
        # An open barrier is described once, under "Open barriers"; its timeline entry links
        # there rather than repeating the description.
        "open_barrier_ids": {barrier.pk for barrier in open_barriers},
        "timeline": timeline_page(project, length=timeline_length, phases=phases),
        "review_notes": review_notes_for(project) if access.can_read_reviews else [],
        "withdrawn": withdrawn_entries(project) if access.can_change else [],
        "destination": project_destination(access),
        "compliance": project_compliance(access),
        "legal_questions": project_legal_questions(project),
    }


def review_notes_for(project: Project) -> list[ReviewNote]:
    return list(
        ReviewNote.objects.filter(project=project)
        .select_related("author", "answered_by", "closed_by")
        .order_by("closed_at", "-created_at")
    )


def related_lessons(user, *, project: Project, phase: str, category: str = "", limit: int = 5):
    """Lessons others learned in the same phase (and category), to read before deciding."""
    lessons = lessons_visible_to(user).exclude(project=project).filter(project__archived=False)
    if phase:
        lessons = lessons.filter(phase=phase)
    if category:
        lessons = lessons.filter(category=category)
    return list(
        lessons.select_related("project__lead_organisation").order_by("-learned_on", "-pk")[:limit]
    )
