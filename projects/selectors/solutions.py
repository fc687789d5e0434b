"""Reads of the catalogue of reusable solutions: the list, one solution with what the reader
may see of its projects and lessons, the new adoption interest an owner has not seen, and the
dashboard's figures. Each reads in a fixed number of queries, whatever the data."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from projects.access import lessons_visible_to, projects_visible_to, roles_of
from projects.models import (
    Adoption,
    AdoptionStage,
    AdoptionStageChange,
    Organisation,
    Project,
    Solution,
    SolutionMaturity,
    StopReason,
)


def solution_catalogue() -> QuerySet[Solution]:
    """Every solution with its owner and how many organisations are adopting it (not
    stopped) and run it in operation."""
    return Solution.objects.select_related("owner").annotate(
        open_adoptions=Count("adoptions", filter=~Q(adoptions__stage=AdoptionStage.STOPPED)),
        in_operation=Count("adoptions", filter=Q(adoptions__stage=AdoptionStage.IN_OPERATION)),
    )


def solution_owners() -> QuerySet[Organisation]:
    """The organisations that own a solution: the owner filter's choices."""
    return Organisation.objects.filter(
        Exists(Solution.objects.filter(owner=OuterRef("pk")))
    ).order_by("name")


def solution_details(user, solution: Solution) -> Solution:
    """The solution's projects and lessons that the user may read (others are not shown,
    not even their titles), and its adoptions with their dated stages."""
    projects = projects_visible_to(user).select_related("lead_organisation").order_by("title")
    lessons = (
        lessons_visible_to(user)
        .select_related("project__lead_organisation")
        .order_by("-learned_on", "pk")
    )
    adoptions = Adoption.objects.select_related("organisation").prefetch_related(
        Prefetch("stage_changes", queryset=AdoptionStageChange.objects.order_by("changed_on", "pk"))
    )
    return (
        Solution.objects.select_related("owner")
        .prefetch_related(
            Prefetch("projects", queryset=projects, to_attr="readable_projects"),
            Prefetch("lessons", queryset=lessons, to_attr="readable_lessons"),
            Prefetch(
                "adoptions",
                queryset=adoptions.order_by("organisation__name", "-created_at"),
                to_attr="adoption_list",
            ),
        )
        .get(pk=solution.pk)
    )


def solutions_of_project(project: Project) -> list[Solution]:
    """The solutions that came out of a project: the catalogue is read by everyone."""
    return list(project.solutions.select_related("owner").order_by("title"))


def new_adoption_interest(user) -> list[dict]:
    """The solutions of the organisations the user coordinates with adoptions their owner
    has not seen yet, and how many, for the notice on the user's landing page."""
    owner_ids = roles_of(user).coordinator_organisation_ids
    if not owner_ids:
        return []
    return list(
        Adoption.objects.filter(solution__owner_id__in=owner_ids, owner_seen_at__isnull=True)
        .values("solution_id", "solution__title")
        .annotate(count=Count("pk"))
        .order_by("solution__title", "solution_id")
    )


def solution_figures() -> dict:
    """The dashboard's solution figures in one query: solutions by maturity, and the
    adoption funnel (how many adoptions ever reached each stage, counting those that went
    further or stopped later) with the stopped ones by reason. Every adoption belongs to a
    solution, so counting distinct adoptions over the solutions counts them all."""
    stopped = Q(adoptions__stage=AdoptionStage.STOPPED)
    figures = Solution.objects.aggregate(
        total=Count("pk", distinct=True),
        **{m.value: Count("pk", distinct=True, filter=Q(maturity=m)) for m in SolutionMaturity},
        adoption_total=Count("adoptions", distinct=True),
        stopped=Count("adoptions", distinct=True, filter=stopped),
        **{
            f"reached_{stage.value}": Count(
                "adoptions",
                distinct=True,
                filter=Q(adoptions__stage_changes__stage__in=AdoptionStage.from_stage(stage)),
            )
            for stage in AdoptionStage.funnel()
        },
        **{
            f"reason_{reason.value}": Count(
                "adoptions", distinct=True, filter=stopped & Q(adoptions__stop_reason=reason)
            )
            for reason in StopReason
        },
    )
    return {
        "total": figures["total"],
        "maturity": [(m, figures[m.value]) for m in SolutionMaturity],
        "adoptions": figures["adoption_total"],
        "funnel": [(s, figures[f"reached_{s.value}"]) for s in AdoptionStage.funnel()],
        "stopped": figures["stopped"],
        "stop_reasons": [
            (r, figures[f"reason_{r.value}"]) for r in StopReason if figures[f"reason_{r.value}"]
        ],
    }
