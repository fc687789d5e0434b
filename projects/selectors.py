"""Reads, scoped to what the user may see. Views fetch records only through these."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from projects.models import (
    Barrier,
    BarrierCategory,
    BarrierStatus,
    Decision,
    FundingRound,
    LessonLearned,
    LessonVisibility,
    Membership,
    Organisation,
    OrganisationKind,
    Outcome,
    Phase,
    PhaseKind,
    Project,
    ReviewNote,
    ReviewNoteKind,
    Role,
    StatusUpdate,
    TrafficLight,
)

Record = TypeVar("Record", bound=models.Model)


@dataclass(frozen=True)
class UserRoles:
    """A user's memberships, read once per request."""

    is_superuser: bool
    agency_roles: frozenset[str]
    partner_roles: dict[int, str]

    @property
    def is_agency(self) -> bool:
        return self.is_superuser or bool(self.agency_roles)

    @property
    def is_agency_admin(self) -> bool:
        return self.is_superuser or Role.ADMINISTRATOR in self.agency_roles

    @property
    def organisation_ids(self) -> list[int]:
        return list(self.partner_roles)

    @property
    def coordinator_organisation_ids(self) -> list[int]:
        return [pk for pk, role in self.partner_roles.items() if role == Role.COORDINATOR]

    @property
    def can_create_projects(self) -> bool:
        return self.is_agency_admin or bool(self.coordinator_organisation_ids)


_NO_ROLES = UserRoles(is_superuser=False, agency_roles=frozenset(), partner_roles={})


def roles_of(user) -> UserRoles:
    """The user's roles, cached on the user object for the rest of the request."""
    if not user.is_authenticated or not user.is_active:
        return _NO_ROLES
    cached = getattr(user, "_sigprojects_roles", None)
    if cached is not None:
        return cached
    agency: set[str] = set()
    partners: dict[int, str] = {}
    memberships = Membership.objects.filter(user=user, organisation__active=True).values_list(
        "organisation_id", "organisation__kind", "role"
    )
    for organisation_id, kind, role in memberships:
        if kind == OrganisationKind.AGENCY:
            agency.add(role)
        else:
            partners[organisation_id] = role
    roles = UserRoles(
        is_superuser=user.is_superuser, agency_roles=frozenset(agency), partner_roles=partners
    )
    user._sigprojects_roles = roles
    return roles


def projects_visible_to(user) -> QuerySet[Project]:
    """Every project the user may read: all for the agency, else those led by or shared with
    one of the user's organisations."""
    roles = roles_of(user)
    if roles.is_agency:
        return Project.objects.all()
    if not roles.partner_roles:
        return Project.objects.none()
    organisation_ids = roles.organisation_ids
    participating = Project.participants.through.objects.filter(
        organisation_id__in=organisation_ids
    ).values("project_id")
    return Project.objects.filter(
        Q(lead_organisation_id__in=organisation_ids) | Q(pk__in=participating)
    )


def lessons_visible_to(user) -> QuerySet[LessonLearned]:
    """Lessons of projects the user may read, and every lesson shared with the portfolio."""
    if not user.is_authenticated:
        return LessonLearned.objects.none()
    if roles_of(user).is_agency:
        return LessonLearned.objects.all()
    return LessonLearned.objects.filter(
        Q(visibility=LessonVisibility.PORTFOLIO)
        | Q(project__in=projects_visible_to(user).values("pk"))
    )


def project_list(user) -> QuerySet[Project]:
    """The projects for a list page, with what each row shows in one query."""
    return (
        projects_visible_to(user)
        .active()
        .select_related("lead_organisation", "funding_round")
        .order_by("title", "id")
    )


@dataclass(frozen=True)
class ProjectAccess:
    """One project and what the requesting user may do with it."""

    project: Project
    can_change: bool
    can_add_lesson: bool
    can_review: bool
    can_archive: bool = False


def project_access(user, project: Project) -> ProjectAccess:
    roles = roles_of(user)
    lead_role = roles.partner_roles.get(project.lead_organisation_id)
    is_participant = any(
        organisation.pk in roles.partner_roles for organisation in project.participants.all()
    )
    can_change = roles.is_agency_admin or lead_role == Role.COORDINATOR
    return ProjectAccess(
        project=project,
        can_change=can_change,
        can_add_lesson=can_change or is_participant,
        can_review=roles.is_agency,
        can_archive=roles.is_agency_admin,
    )


def get_project_for_user(user, pk: int) -> ProjectAccess:
    """The project with this id if the user may read it, else 404 (its existence is not told)."""
    project = (
        projects_visible_to(user)
        .select_related("lead_organisation", "funding_round")
        .prefetch_related("participants")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    return project_access(user, project)


def get_record_for_user(
    user, model: type[Record], *, project_pk: int, pk: int
) -> tuple[Record, ProjectAccess]:
    """A record under a project the user may read, else 404; a record of another project
    is not found either, whatever its id."""
    access = get_project_for_user(user, project_pk)
    record = model.objects.filter(project=access.project, pk=pk).first()
    if record is None:
        raise Http404
    record.project = access.project
    return record, access


_WITHDRAW_KINDS = {
    "status": "updates",
    "decision": "decisions",
    "barrier_opened": "barriers",
    "lesson": "lessons",
}


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # status, phase, decision, barrier_opened, barrier_resolved, lesson
    record: models.Model

    @property
    def withdraw_kind(self) -> str:
        """The URL part for withdrawing this entry; empty for phases and resolutions."""
        return _WITHDRAW_KINDS.get(self.kind, "")


_TIMELINE_ORDER = {
    "lesson": 0,
    "barrier_resolved": 1,
    "decision": 2,
    "phase": 3,
    "status": 4,
    "barrier_opened": 5,
}


def project_timeline(
    project: Project, *, limit: int | None = 30, phases: list[Phase] | None = None
) -> list[TimelineEntry]:
    """The newest `limit` entries (all if None) of the project's status updates, phase
    changes, decisions, barriers and lessons, newest first: one query per kind of record,
    each bounded by `limit`, whatever the length of the history. A project has a handful
    of phases; pass them if they are loaded already."""

    def newest(queryset, date_field):
        queryset = queryset.order_by(f"-{date_field}", "-pk")
        return queryset[:limit] if limit else queryset

    if phases is None:
        phases = list(Phase.objects.filter(project=project))
    sources = [
        ("phase", "started_on", phases),
        (
            "status",
            "reported_on",
            StatusUpdate.objects.filter(project=project).select_related("author"),
        ),
        (
            "decision",
            "decided_on",
            Decision.objects.filter(project=project)
            .select_related("author")
            .prefetch_related("barriers"),
        ),
        ("barrier_opened", "identified_on", Barrier.objects.filter(project=project)),
        (
            "barrier_resolved",
            "resolved_on",
            Barrier.objects.filter(project=project, resolved_on__isnull=False),
        ),
        (
            "lesson",
            "learned_on",
            LessonLearned.objects.filter(project=project).select_related("author"),
        ),
    ]
    entries = []
    for kind, date_field, records in sources:
        if not isinstance(records, list):
            records = newest(records, date_field)
        for record in records:
            record.project = project  # already loaded; spares a query per entry
            entries.append(TimelineEntry(getattr(record, date_field), kind, record))
    entries.sort(
        key=lambda entry: (entry.on, -_TIMELINE_ORDER[entry.kind], entry.record.pk),
        reverse=True,
    )
    return entries[:limit] if limit else entries


def project_page(access: ProjectAccess, *, whole_timeline: bool = False) -> dict:
    """What the project page shows, in a fixed number of queries."""
    project = access.project
    phases = list(Phase.objects.filter(project=project).order_by("started_on", "pk"))
    latest_update = (
        StatusUpdate.objects.filter(project=project).order_by("-reported_on", "-pk").first()
    )
    timeline_limit = None if whole_timeline else 30
    return {
        "access": access,
        "project": project,
        "phases": phases,
        "current_phase": next((phase for phase in phases if phase.is_open), None),
        "latest_update": latest_update,
        "open_barriers": list(
            Barrier.objects.filter(project=project, status__in=BarrierStatus.open_values())
        ),
        "timeline": project_timeline(project, limit=timeline_limit, phases=phases),
        "timeline_limit": timeline_limit,
        "review_notes": review_notes_for(project),
    }


# Portfolio, dashboard and lessons library


def escalated_barrier():
    return Exists(
        Barrier.objects.filter(
            project=OuterRef("pk"), escalated=True, status__in=BarrierStatus.open_values()
        )
    )


def stale_since(days: int):
    """No status update for more than `days` days (or none at all)."""
    limit = timezone.localdate() - timedelta(days=days)
    return Q(last_status_on__lt=limit) | Q(last_status_on__isnull=True)


def organisations_leading(projects: QuerySet[Project]) -> QuerySet[Organisation]:
    """The organisations that lead any of these projects, for filter choices."""
    return Organisation.objects.filter(pk__in=projects.values("lead_organisation_id")).order_by(
        "name"
    )


def organisations_with_lessons_for(user) -> QuerySet[Organisation]:
    """The organisations behind the lessons the user may read, for filter choices."""
    lessons = lessons_visible_to(user).values("project__lead_organisation_id")
    return Organisation.objects.filter(pk__in=lessons).order_by("name")


def open_follow_up():
    return Exists(
        ReviewNote.objects.filter(
            project=OuterRef("pk"), kind=ReviewNoteKind.FOLLOW_UP, closed_at__isnull=True
        )
    )


def portfolio(user, *, archived: bool = False) -> QuerySet[Project]:
    """The projects of the portfolio list and its exports, with the flags each row shows;
    the archived ones instead when asked for by an agency administrator."""
    archived = archived and roles_of(user).is_agency_admin
    return (
        projects_visible_to(user)
        .filter(archived=archived)
        .select_related("lead_organisation", "funding_round")
        .annotate(
            escalated_barrier=escalated_barrier(),
            open_follow_up=open_follow_up(),
        )
        .order_by("title", "id")
    )


def lesson_library(user) -> QuerySet[LessonLearned]:
    return (
        lessons_visible_to(user)
        .filter(project__archived=False)
        .select_related("project", "project__lead_organisation", "author")
        .order_by("-learned_on", "-pk")
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


def review_notes_for(project: Project) -> list[ReviewNote]:
    return list(
        ReviewNote.objects.filter(project=project)
        .select_related("author", "answered_by", "closed_by")
        .order_by("closed_at", "-created_at")
    )


STALE_AFTER_DAYS = 90


def dashboard(user) -> dict:
    """The portfolio in numbers, computed by the database in five queries."""
    projects = projects_visible_to(user).active()
    project_ids = projects.values("pk")

    figures = projects.aggregate(
        total=Count("pk"),
        **{f"outcome_{o.value}": Count("pk", filter=Q(outcome=o)) for o in Outcome},
        **{f"status_{t.value}": Count("pk", filter=Q(current_status=t)) for t in TrafficLight},
        no_status=Count("pk", filter=Q(current_status="")),
        red=Count("pk", filter=Q(current_status=TrafficLight.RED)),
        stale=Count("pk", filter=stale_since(STALE_AFTER_DAYS) & Q(outcome=Outcome.ONGOING)),
        escalated=Count("pk", filter=Q(escalated_barrier())),
        help=Count("pk", filter=Q(help_requested=True)),
        expected_hours=Sum("expected_hours_per_year"),
        realised_hours=Sum("realised_hours_per_year"),
        expected_dkk=Sum("expected_dkk_per_year"),
        realised_dkk=Sum("realised_dkk_per_year"),
    )

    reached = dict(
        Phase.objects.filter(project__in=project_ids)
        .values("kind")
        .annotate(n=Count("project", distinct=True))
        .values_list("kind", "n")
    )
    funnel = [(kind, reached.get(kind.value, 0)) for kind in PhaseKind]

    cells = (
        Barrier.objects.filter(project__in=project_ids)
        .annotate(
            is_open=Case(
                When(status__in=BarrierStatus.open_values(), then=Value(True)),
                default=Value(False),
            )
        )
        .values("category", "phase", "is_open")
        .annotate(n=Count("project", distinct=True))
    )
    barrier_counts = {(c["category"], c["phase"], c["is_open"]): c["n"] for c in cells}
    barrier_rows = [
        (
            category,
            [
                (
                    kind,
                    barrier_counts.get((category.value, kind.value, True), 0),
                    barrier_counts.get((category.value, kind.value, False), 0),
                )
                for kind in PhaseKind
            ],
        )
        for category in BarrierCategory
    ]

    attention_projects = list(
        projects.filter(
            Q(current_status=TrafficLight.RED) | Q(escalated_barrier()) | Q(help_requested=True)
        )
        .select_related("lead_organisation")
        .annotate(escalated_barrier=escalated_barrier())
        .order_by("last_status_on", "pk")[:15]
    )

    money = list(
        FundingRound.objects.annotate(
            projects_count=Count("projects", filter=Q(projects__in=project_ids)),
            grant=Sum("projects__grant_dkk", filter=Q(projects__in=project_ids)),
            budget=Sum("projects__total_budget_dkk", filter=Q(projects__in=project_ids)),
        ).order_by("year", "name")
    )
    return {
        "total": figures["total"],
        "funnel": funnel,
        "outcomes": [(outcome, figures[f"outcome_{outcome.value}"]) for outcome in Outcome],
        "statuses": [(light, figures[f"status_{light.value}"]) for light in TrafficLight],
        "no_status": figures["no_status"],
        "barrier_rows": barrier_rows,
        "attention": {key: figures[key] for key in ("red", "stale", "escalated", "help")},
        "attention_projects": attention_projects,
        "stale_after_days": STALE_AFTER_DAYS,
        "money": money,
        "benefits": {
            key: figures[key]
            for key in ("expected_hours", "realised_hours", "expected_dkk", "realised_dkk")
        },
    }


def project_history(project: Project):
    """The audit trail of a project and every record under it, newest first."""
    from auditlog.models import LogEntry

    return (
        LogEntry.objects.filter(additional_data__project_id=project.pk)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


@dataclass(frozen=True)
class HistoryRow:
    entry: models.Model  # the auditlog LogEntry
    record_label: str
    changes: list[tuple[str, str, str]]  # field, before, after


def history_rows(entries) -> list[HistoryRow]:
    """Audit entries made readable: field names, choice labels and the names behind ids,
    resolved with one query per related model for the whole page."""
    entries = list(entries)
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _model_field(model, name)
            if field is not None and field.many_to_one and isinstance(values, list):
                wanted.setdefault(field.related_model, set()).update(
                    value for value in values if value not in (None, "None")
                )
    names = {
        (related, str(obj.pk)): str(obj)
        for related, pks in wanted.items()
        for obj in related._base_manager.filter(pk__in=[pk for pk in pks if pk.isdigit()])
    }

    def shown(field, value) -> str:
        if value in (None, "None", ""):
            return "–"
        if field is not None and field.many_to_one:
            return names.get((field.related_model, str(value)), f"#{value}")
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if value in ("True", "False"):
            return gettext("Yes") if value == "True" else gettext("No")
        return str(value)

    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            field = _model_field(model, name)
            label = str(getattr(field, "verbose_name", name))
            if isinstance(values, dict) and values.get("type") == "m2m":
                objects = ", ".join(values.get("objects", []))
                before, after = ("", objects) if values.get("operation") == "add" else (objects, "")
                changes.append((label, before or "–", after or "–"))
            else:
                before, after = values
                changes.append((label, shown(field, before), shown(field, after)))
        label = str(model._meta.verbose_name) if model else ""
        rows.append(HistoryRow(entry=entry, record_label=label, changes=changes))
    return rows


def _model_field(model, name):
    """The model's own field of that name (not a reverse relation), or None."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    if field is not None and field.auto_created and not field.concrete:
        return None
    return field
