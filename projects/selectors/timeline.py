"""The project page: its phases, latest status, open barriers and one timeline of records."""

from dataclasses import dataclass
from datetime import date

from django.db import models

from projects.access import ProjectAccess, lessons_visible_to
from projects.models import Barrier, BarrierStatus, Phase, Project, ReviewNote, StatusUpdate
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


def _matches(record: models.Model, filters: dict) -> bool:
    """Whether a loaded record meets a kind's filters (exact values and `__isnull`)."""
    for lookup, value in filters.items():
        field, _, operator = lookup.partition("__")
        actual = getattr(record, field)
        if operator == "isnull":
            if (actual is None) != value:
                return False
        elif operator or actual != value:
            if operator:
                raise ValueError(f"Unsupported timeline filter: {lookup}")
            return False
    return True


def _newest(queryset, kind: TimelineKind, limit: int | None):
    newest = queryset.filter(**kind.filters).order_by(f"-{kind.date_field}", "-pk")
    return newest[:limit] if limit else newest


def timeline_records(
    project: Project,
    *,
    limit: int | None = TIMELINE_PAGE,
    phases: list[Phase] | None = None,
    also: dict | None = None,
) -> tuple[list[TimelineEntry], dict]:
    """The newest `limit` entries (all if None) of every kind in `TIMELINE_KINDS`, newest
    first, and the records loaded for them by model. One query per model, each bounded by
    `limit` per kind whatever the length of the history: the kinds drawn from one model (a
    barrier's identification, escalation and resolution) share its query. `also` adds records
    the page needs beside the timeline to that query ({model: queryset of the project's
    records}), such as the open barriers. A project has a handful of phases; pass them if they
    are loaded already."""
    also = also or {}
    kinds_of: dict[type, list[TimelineKind]] = {}
    for kind in TIMELINE_KINDS:
        kinds_of.setdefault(kind.model, []).append(kind)
    entries, loaded = [], {}
    for model, kinds in kinds_of.items():
        if model is Phase and phases is not None:
            records = phases
        else:
            mine = model.objects.filter(project=project)
            if len(kinds) == 1 and model not in also:
                records = _newest(mine, kinds[0], limit)
            else:
                wanted = models.Q(pk__in=also[model].values("pk")) if model in also else models.Q()
                for kind in kinds:
                    wanted |= models.Q(pk__in=_newest(mine, kind, limit).values("pk"))
                records = mine.filter(wanted)
            select = {name for kind in kinds for name in kind.select_related}
            prefetch = {name for kind in kinds for name in kind.prefetch_related}
            if select:
                records = records.select_related(*sorted(select))
            if prefetch:
                records = records.prefetch_related(*sorted(prefetch))
            records = list(records)
        loaded[model] = records
        for record in records:
            record.project = project  # already loaded; spares a query per entry
        for kind in kinds:
            matching = [record for record in records if _matches(record, kind.filters)]
            matching.sort(key=lambda r, k=kind: (getattr(r, k.date_field), r.pk), reverse=True)
            for record in matching[:limit] if limit else matching:
                entries.append(TimelineEntry(getattr(record, kind.date_field), kind, record))
    entries.sort(
        key=lambda entry: (entry.on, -SAME_DAY_ORDER[entry.kind.name], entry.record.pk),
        reverse=True,
    )
    return (entries[:limit] if limit else entries), loaded


def project_timeline(
    project: Project, *, limit: int | None = TIMELINE_PAGE, phases: list[Phase] | None = None
) -> list[TimelineEntry]:
    """The newest `limit` entries (all if None) of the project's timeline, newest first."""
    return timeline_records(project, limit=limit, phases=phases)[0]


def withdrawn_entries(project: Project) -> list[models.Model]:
    """The project's withdrawn records, newest withdrawal first, to restore from: one query
    over every kind, reading what the list shows (the record's name, when and by whom)."""
    from django.contrib.auth import get_user_model
    from django.db.models.functions import Cast

    from projects.record_kinds import RECORD_KINDS

    named_by = {StatusUpdate: "reported_on"}  # the others are named by their title
    parts = [
        kind.model.all_objects.withdrawn()
        .filter(project=project)
        .order_by()
        .values_list(
            models.Value(slug, output_field=models.CharField()),
            "pk",
            Cast(named_by.get(kind.model, "title"), models.CharField()),
            "withdrawn_at",
            "withdrawn_by_id",
            "withdrawn_by__username",
            "withdrawn_by__first_name",
            "withdrawn_by__last_name",
        )
        for slug, kind in RECORD_KINDS.items()
    ]
    User = get_user_model()
    entries = []
    for slug, pk, name, withdrawn_at, user_id, username, first, last in parts[0].union(
        *parts[1:], all=True
    ):
        kind = RECORD_KINDS[slug]
        field = named_by.get(kind.model, "title")
        value = date.fromisoformat(name[:10]) if field == "reported_on" else name
        record = kind.model(pk=pk, project=project, withdrawn_at=withdrawn_at, **{field: value})
        if user_id is not None:
            record.withdrawn_by = User(
                pk=user_id, username=username, first_name=first, last_name=last
            )
        record.record_kind = kind
        entries.append(record)
    return sorted(entries, key=lambda record: record.withdrawn_at, reverse=True)


def timeline_page(
    project: Project,
    *,
    length: int = TIMELINE_PAGE,
    phases: list[Phase] | None = None,
    also: dict | None = None,
) -> tuple[Timeline, dict]:
    """The newest `length` entries, and the one after them: reading one entry more per kind
    tells whether there are more, without another query. With the records loaded by model
    (see `timeline_records`)."""
    entries, loaded = timeline_records(project, limit=length + 1, phases=phases, also=also)
    timeline = Timeline(
        entries=entries[:length],
        length=length,
        next_entry=entries[length] if len(entries) > length else None,
    )
    return timeline, loaded


def project_page(access: ProjectAccess, *, timeline_length: int = TIMELINE_PAGE) -> dict:
    """What the project page shows, in a fixed number of queries whatever the length of the
    project's history."""
    project = access.project
    phases = list(
        Phase.objects.filter(project=project)
        .select_related("obligations_overridden_by")
        .order_by("started_on", "pk")
    )
    # The open barriers are read with the timeline's barriers, and the latest status update
    # is the newest of the timeline's updates: the same rows, not another query.
    timeline, loaded = timeline_page(
        project,
        length=timeline_length,
        phases=phases,
        also={Barrier: Barrier.objects.open().filter(project=project)},
    )
    open_values = set(BarrierStatus.open_values())
    open_barriers = sorted(
        (barrier for barrier in loaded[Barrier] if barrier.status in open_values),
        key=lambda barrier: (barrier.identified_on, barrier.pk),
        reverse=True,
    )
    updates = loaded[StatusUpdate]
    latest_update = max(updates, key=lambda u: (u.reported_on, u.pk)) if updates else None
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
        "timeline": timeline,
        "review_notes": review_notes_for(project) if access.can_read_reviews else [],
        "withdrawn": withdrawn_entries(project) if access.can_change else [],
    }


def project_operation_page(access: ProjectAccess) -> dict:
    """The project's operation and benefits: each organisation's decision on running the
    solution, its benefit indicators and measurements, the spending and the suppliers."""
    return {"access": access, "project": access.project, "destination": project_destination(access)}


def project_rules_page(access: ProjectAccess) -> dict:
    """The rules the project is held to: its AI Act obligations and its legal questions."""
    return {
        "access": access,
        "project": access.project,
        "compliance": project_compliance(access),
        "legal_questions": project_legal_questions(access.project),
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
