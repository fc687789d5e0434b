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

TIMELINE_PAGE = 30


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: TimelineKind
    record: models.Model

    @property
    def anchor(self) -> str:
        return f"{self.kind.name}-{self.record.pk}"


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


def project_page(access: ProjectAccess, *, whole_timeline: bool = False) -> dict:
    """What the project page shows, in a fixed number of queries."""
    project = access.project
    phases = list(
        Phase.objects.filter(project=project)
        .select_related("obligations_overridden_by")
        .order_by("started_on", "pk")
    )
    latest_update = (
        StatusUpdate.objects.filter(project=project).order_by("-reported_on", "-pk").first()
    )
    timeline_limit = None if whole_timeline else TIMELINE_PAGE
    return {
        "access": access,
        "project": project,
        "phases": phases,
        "current_phase": next((phase for phase in phases if phase.is_open), None),
        "latest_update": latest_update,
        "open_barriers": list(Barrier.objects.open().filter(project=project)),
        "timeline": project_timeline(project, limit=timeline_limit, phases=phases),
        "timeline_limit": timeline_limit,
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
