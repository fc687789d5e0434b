"""Reads, scoped to what the user may see. Views fetch records only through these."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from projects.models import (
    BarrierStatus,
    Membership,
    OrganisationKind,
    Project,
    Role,
    StatusUpdate,
)


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
    """Every project the user may read: all for the agency, else led by or shared with
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


def project_page(access: ProjectAccess, *, updates_shown: int = 20) -> dict:
    """What the project page shows, in a fixed number of queries."""
    project = access.project
    phases = list(project.phases.order_by("started_on", "id"))
    updates = list(
        StatusUpdate.objects.filter(project=project)
        .select_related("author")
        .order_by("-reported_on", "-id")[:updates_shown]
    )
    return {
        "access": access,
        "project": project,
        "phases": phases,
        "current_phase": next((phase for phase in phases if phase.is_open), None),
        "latest_update": updates[0] if updates else None,
        "updates": updates,
        "open_barriers": list(project.barriers.filter(status__in=BarrierStatus.open_values())),
    }
