"""Who may read and change what: roles, the visibility querysets, and the view decorators
that fetch a project (and a record under it) through them.

Reading is scoped here and nowhere else. A view declares what it needs with
`@project_permission(...)` or `@user_permission(...)`; the decorator answers 404 for what the
user may not read (its existence is not told), 403 for an action their role does not allow,
and hands the view what it fetched, so a view cannot forget the check.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404, HttpResponseNotAllowed

from projects.models import (
    Adoption,
    Invitation,
    LegalQuestion,
    LegalQuestionStatus,
    LessonLearned,
    LessonVisibility,
    Membership,
    Organisation,
    OrganisationKind,
    Project,
    Role,
    Solution,
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

    @property
    def can_create_solutions(self) -> bool:
        """Coordinators add their organisation's solutions to the catalogue, agency
        administrators any organisation's."""
        return self.is_agency_admin or bool(self.coordinator_organisation_ids)

    @property
    def can_view_dashboard(self) -> bool:
        return self.is_agency

    @property
    def can_invite(self) -> bool:
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


def reading_scope(user) -> str:
    """Who may read the same records as `user`: the agency, or the same organisations (all that
    `projects_visible_to` and `lessons_visible_to` depend on). A key for what is kept per
    reader."""
    if not user.is_authenticated:
        return "anonymous"
    roles = roles_of(user)
    if roles.is_agency:
        return "agency"
    return "organisations:" + ",".join(str(pk) for pk in sorted(roles.organisation_ids))


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


def project_readable(user) -> Exists | Value:
    """Whether the user may read the project of each row (by its `project_id`), as an
    annotation: a lesson or answer shared with the programme is read beyond its project, and
    links to the project only for those who may open it."""
    if roles_of(user).is_agency:
        return Value(True, output_field=BooleanField())
    return Exists(projects_visible_to(user).filter(pk=OuterRef("project_id")))


def legal_questions_visible_to(user) -> QuerySet[LegalQuestion]:
    """Legal questions of projects the user may read, and every answer shared with the whole
    programme (answered questions only: nothing unanswered or unshared leaves the project)."""
    if not user.is_authenticated:
        return LegalQuestion.objects.none()
    if roles_of(user).is_agency:
        return LegalQuestion.objects.all()
    return LegalQuestion.objects.filter(
        Q(status=LegalQuestionStatus.ANSWERED, shared=True)
        | Q(project__in=projects_visible_to(user).values("pk"))
    )


@dataclass(frozen=True)
class ProjectAccess:
    """One project and what the requesting user may do with it."""

    project: Project
    can_change: bool
    can_add_lesson: bool
    can_review: bool
    can_archive: bool = False
    # Review notes are between the agency and the lead organisation; participants do not
    # read them.
    can_read_reviews: bool = False
    # The organisations whose operation decision and benefits the user records: any on the
    # project for its lead's coordinators and agency administrators, else the participating
    # organisations the user coordinates (each its own, nothing of the lead's).
    destination_organisation_ids: frozenset[int] = frozenset()

    @property
    def can_record_destination(self) -> bool:
        return bool(self.destination_organisation_ids)

    @property
    def can_withdraw_register(self) -> bool:
        """Taking a record out of the public register: the agency's reviewers and
        administrators, and the lead organisation's coordinators for their own project."""
        return self.can_change or self.can_review

    def may_record_for(self, organisation_id: int) -> bool:
        return organisation_id in self.destination_organisation_ids

    def allows(self, action: str) -> bool:
        """Whether the user may take `action` ("read", "change", "add_lesson", "review",
        "archive", "record_destination") on the project."""
        if action == "read":
            return True
        try:
            return getattr(self, f"can_{action}")
        except AttributeError:
            raise ValueError(f"unknown project action {action!r}") from None


def project_access(user, project: Project) -> ProjectAccess:
    roles = roles_of(user)
    lead_role = roles.partner_roles.get(project.lead_organisation_id)
    is_participant = any(
        organisation.pk in roles.partner_roles for organisation in project.participants.all()
    )
    can_change = roles.is_agency_admin or lead_role == Role.COORDINATOR
    if can_change:
        destination = frozenset(project.organisation_ids())
    else:
        destination = frozenset(
            organisation.pk
            for organisation in project.participants.all()
            if roles.partner_roles.get(organisation.pk) == Role.COORDINATOR
        )
    return ProjectAccess(
        project=project,
        can_change=can_change,
        can_add_lesson=can_change or is_participant,
        can_review=roles.is_agency,
        can_archive=roles.is_agency_admin,
        can_read_reviews=roles.is_agency or lead_role is not None,
        destination_organisation_ids=destination,
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
    user, model: type[Record], *, project_pk: int, pk: int, withdrawn: bool = False
) -> tuple[Record, ProjectAccess]:
    """A record under a project the user may read, else 404; a record of another project
    is not found either, whatever its id. Withdrawn entries only when asked for."""
    access = get_project_for_user(user, project_pk)
    manager = model.all_objects if withdrawn and hasattr(model, "all_objects") else model.objects
    record = manager.filter(project=access.project, pk=pk).first()
    if record is None:
        raise Http404
    record.project = access.project
    return record, access


def project_permission(
    action: str,
    *,
    record: type[models.Model] | Callable[[dict], type[models.Model] | None] | None = None,
    record_kwarg: str = "record_pk",
    withdrawn: bool = False,
    methods: tuple[str, ...] = ("GET", "HEAD", "POST"),
):
    """Decorate a view of one project (URL argument `pk`): the view is called as
    `view(request, access, **kwargs)`, with `record=` the record named by `record_kwarg`
    when `record` is a model (or a callable choosing the model from the URL arguments).
    Anonymous users are sent to log in; other HTTP methods than `methods` get 405."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, pk: int, **kwargs):
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            if record is None:
                access = get_project_for_user(request.user, pk)
            else:
                model = record if isinstance(record, type) else record(kwargs)
                if model is None:
                    raise Http404
                found, access = get_record_for_user(
                    request.user,
                    model,
                    project_pk=pk,
                    pk=kwargs.pop(record_kwarg),
                    withdrawn=withdrawn,
                )
                kwargs["record"] = found
            if not access.allows(action):
                raise PermissionDenied
            return view(request, access, **kwargs)

        wrapper.project_permission = action
        return wrapper

    return decorator


def user_permission(name: str, *, methods: tuple[str, ...] = ("GET", "HEAD", "POST")):
    """Decorate a view that is not about one project: `name` is a `UserRoles` property
    (e.g. "can_view_dashboard", or "is_authenticated" for every signed-in user); signed-in
    users without it get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            if name != "is_authenticated" and not getattr(roles_of(request.user), name):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.user_permission = name
        return wrapper

    return decorator


def organisations_invitable_by(user) -> QuerySet[Organisation]:
    """The active organisations the user may invite people to: any for an agency
    administrator, else those the user coordinates."""
    roles = roles_of(user)
    if roles.is_agency_admin:
        return Organisation.objects.active()
    return Organisation.objects.active().filter(pk__in=roles.coordinator_organisation_ids)


def invitable_roles(user, organisation: Organisation) -> list[str]:
    """The roles the user may invite someone to `organisation` with: any of the
    organisation's for an agency administrator; coordinator or viewer of an organisation the
    user coordinates (never above their own role); none elsewhere."""
    roles = roles_of(user)
    if not organisation.active:
        return []
    if roles.is_agency_admin:
        return list(Role.for_kind(organisation.kind))
    if roles.partner_roles.get(organisation.pk) == Role.COORDINATOR:
        return [r for r in (Role.COORDINATOR, Role.VIEWER) if r in Role.for_kind(organisation.kind)]
    return []


def invitations_visible_to(user) -> QuerySet[Invitation]:
    """Invitations of the user's own organisations (all of them for the agency). Seeing one
    is not inviting: who may withdraw or resend it is `invitable_roles`."""
    roles = roles_of(user)
    if roles.is_agency:
        return Invitation.objects.all()
    return Invitation.objects.filter(organisation_id__in=roles.organisation_ids)


def invitations_managed_by(user) -> QuerySet[Invitation]:
    """The invitations listed to an inviter: those of organisations the user may invite to."""
    return Invitation.objects.filter(organisation__in=organisations_invitable_by(user).values("pk"))


def get_invitation_for_user(user, pk: int) -> Invitation:
    """An invitation the user may withdraw or send again: 404 for another organisation's,
    403 for one of the user's organisations that their role does not let them invite to."""
    invitation = (
        invitations_visible_to(user).select_related("organisation", "invited_by").filter(pk=pk)
    ).first()
    if invitation is None:
        raise Http404
    if invitation.role not in invitable_roles(user, invitation.organisation):
        raise PermissionDenied
    return invitation


# The catalogue of reusable solutions: every signed-in user reads it (spreading solutions is
# its point); the owner organisation's coordinators and agency administrators change a
# solution, and another organisation's coordinators record that organisation's adoption.


@dataclass(frozen=True)
class SolutionAccess:
    """One solution and what the requesting user may do with it."""

    solution: Solution
    can_change: bool
    # The organisations whose adoption of the solution the user records: the ones they
    # coordinate (every partner organisation for agency administrators), never the owner.
    adopting_organisation_ids: frozenset[int] = frozenset()
    # The owner organisation's coordinators mark new adoption interest as seen.
    can_acknowledge: bool = False

    @property
    def can_adopt(self) -> bool:
        return bool(self.adopting_organisation_ids)

    def may_record_for(self, organisation_id: int) -> bool:
        return organisation_id in self.adopting_organisation_ids

    def allows(self, action: str) -> bool:
        """Whether the user may take `action` ("read", "change", "adopt", "acknowledge")."""
        if action == "read":
            return True
        try:
            return getattr(self, f"can_{action}")
        except AttributeError:
            raise ValueError(f"unknown solution action {action!r}") from None


def solution_access(user, solution: Solution) -> SolutionAccess:
    roles = roles_of(user)
    owner_role = roles.partner_roles.get(solution.owner_id)
    if roles.is_agency_admin:
        adopting = frozenset(
            Organisation.objects.active()
            .partners()
            .exclude(pk=solution.owner_id)
            .values_list("pk", flat=True)
        )
    else:
        adopting = frozenset(
            pk for pk in roles.coordinator_organisation_ids if pk != solution.owner_id
        )
    return SolutionAccess(
        solution=solution,
        can_change=roles.is_agency_admin or owner_role == Role.COORDINATOR,
        adopting_organisation_ids=adopting,
        can_acknowledge=owner_role == Role.COORDINATOR,
    )


def solution_owner_choices(user) -> QuerySet[Organisation]:
    """The organisations the user may record a solution for: their own as coordinator, any
    partner organisation for agency administrators."""
    roles = roles_of(user)
    organisations = Organisation.objects.active().partners()
    if roles.is_agency_admin:
        return organisations
    return organisations.filter(pk__in=roles.coordinator_organisation_ids)


def projects_changeable_by(user) -> QuerySet[Project]:
    """The projects the user may change (those their organisation leads as coordinator, all
    for agency administrators): the only ones they may link to a solution."""
    roles = roles_of(user)
    if roles.is_agency_admin:
        return Project.objects.all()
    return Project.objects.filter(lead_organisation_id__in=roles.coordinator_organisation_ids)


def get_solution_for_user(user, pk: int) -> SolutionAccess:
    """The solution with this id (every signed-in user reads the catalogue), else 404."""
    solution = Solution.objects.select_related("owner").filter(pk=pk).first()
    if solution is None or not user.is_authenticated:
        raise Http404
    return solution_access(user, solution)


def solution_permission(
    action: str, *, adoption: bool = False, methods: tuple[str, ...] = ("GET", "HEAD", "POST")
):
    """Decorate a view of one solution (URL argument `pk`), and of one of its adoptions
    (`adoption_pk`) when `adoption` is set: the view is called as
    `view(request, access, **kwargs)` with `adoption=` the adoption; an adoption of another
    solution is not found. An adoption's stage is recorded only for an organisation the user
    records for (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, pk: int, **kwargs):
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            access = get_solution_for_user(request.user, pk)
            if adoption:
                found = (
                    Adoption.objects.select_related("organisation")
                    .filter(solution=access.solution, pk=kwargs.pop("adoption_pk"))
                    .first()
                )
                if found is None:
                    raise Http404
                found.solution = access.solution
                if not access.may_record_for(found.organisation_id):
                    raise PermissionDenied
                kwargs["adoption"] = found
            if not access.allows(action):
                raise PermissionDenied
            return view(request, access, **kwargs)

        wrapper.solution_permission = action
        return wrapper

    return decorator
