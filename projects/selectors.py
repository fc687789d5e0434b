"""Reads, scoped to what the user may see. Views fetch records only through these."""

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from projects.models import (
    Barrier,
    BarrierStatus,
    Decision,
    LessonLearned,
    LessonVisibility,
    Membership,
    OrganisationKind,
    Phase,
    Project,
    Role,
    StatusUpdate,
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


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    kind: str  # status, phase, decision, barrier_opened, barrier_resolved, lesson
    record: models.Model


_TIMELINE_ORDER = {
    "lesson": 0,
    "barrier_resolved": 1,
    "decision": 2,
    "phase": 3,
    "status": 4,
    "barrier_opened": 5,
}


def project_timeline(project: Project, *, limit: int | None = 30) -> list[TimelineEntry]:
    """The newest `limit` entries (all if None) of the project's status updates, phase
    changes, decisions, barriers and lessons, newest first: one query per kind of record,
    each bounded by `limit`, whatever the length of the history."""

    def newest(queryset, date_field):
        queryset = queryset.order_by(f"-{date_field}", "-pk")
        return queryset[:limit] if limit else queryset

    sources = [
        ("phase", "started_on", Phase.objects.filter(project=project)),
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
    entries = [
        TimelineEntry(getattr(record, date_field), kind, record)
        for kind, date_field, queryset in sources
        for record in newest(queryset, date_field)
    ]
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
        "timeline": project_timeline(project, limit=timeline_limit),
        "timeline_limit": timeline_limit,
    }
