"""The portfolio: the list and its exports, the dashboard and the lessons library."""

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When

from projects.access import lessons_visible_to, projects_visible_to, roles_of
from projects.models import (
    Barrier,
    BarrierCategory,
    BarrierStatus,
    FundingRound,
    LessonLearned,
    Organisation,
    Outcome,
    Phase,
    PhaseKind,
    Project,
    TrafficLight,
)

STALE_AFTER_DAYS = 90


def portfolio(user, *, archived: bool = False) -> QuerySet[Project]:
    """The projects of the portfolio list and its exports, with the flags each row shows;
    the archived ones instead when asked for by an agency administrator."""
    roles = roles_of(user)
    archived = archived and roles.is_agency_admin
    return (
        projects_visible_to(user)
        .filter(archived=archived)
        .select_related("lead_organisation", "funding_round")
        .with_flags(follow_ups_of=None if roles.is_agency else roles.organisation_ids)
        .order_by("title", "id")
    )


def organisations_leading(projects: QuerySet[Project]) -> QuerySet[Organisation]:
    """The organisations that lead any of these projects, for filter choices."""
    return Organisation.objects.filter(pk__in=projects.values("lead_organisation_id")).order_by(
        "name"
    )


def organisations_with_lessons_for(user) -> QuerySet[Organisation]:
    """The organisations behind the lessons the user may read, for filter choices."""
    lessons = lessons_visible_to(user).values("project__lead_organisation_id")
    return Organisation.objects.filter(pk__in=lessons).order_by("name")


def lesson_library(user) -> QuerySet[LessonLearned]:
    return (
        lessons_visible_to(user)
        .filter(project__archived=False)
        .select_related("project", "project__lead_organisation", "author")
        .order_by("-learned_on", "-pk")
    )


def dashboard(user) -> dict:
    """The portfolio in numbers, computed by the database in five queries. Attention and
    open barriers count live projects only: a stopped or closed project needs no follow-up."""
    projects = projects_visible_to(user).active()
    project_ids = projects.values("pk")
    live = ~Q(outcome__in=Outcome.closed_values())

    figures = projects.aggregate(
        total=Count("pk"),
        live=Count("pk", filter=live),
        **{f"outcome_{o.value}": Count("pk", filter=Q(outcome=o)) for o in Outcome},
        **{f"status_{t.value}": Count("pk", filter=Q(current_status=t)) for t in TrafficLight},
        no_status=Count("pk", filter=Q(current_status="")),
        red=Count("pk", filter=live & Q(current_status=TrafficLight.RED)),
        stale=Count(
            "pk",
            filter=Q(outcome=Outcome.ONGOING) & Project.objects.stale_condition(STALE_AFTER_DAYS),
        ),
        escalated=Count("pk", filter=live & Q(Project.objects.escalated_barrier())),
        help=Count("pk", filter=live & Q(help_requested=True)),
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

    # Open barriers of stopped or closed projects are counted in neither column, as the
    # portfolio list leaves them out of "open" unless asked to include closed projects.
    is_open = Q(status__in=BarrierStatus.open_values())
    cells = (
        Barrier.objects.filter(project__in=project_ids)
        .annotate(
            state=Case(
                When(
                    is_open & ~Q(project__outcome__in=Outcome.closed_values()), then=Value("open")
                ),
                When(~is_open, then=Value("resolved")),
                default=Value(""),
            )
        )
        .values("category", "phase", "state")
        .annotate(n=Count("project", distinct=True))
    )
    barrier_counts = {(c["category"], c["phase"], c["state"]): c["n"] for c in cells}
    barrier_rows = [
        (
            category,
            [
                (
                    kind,
                    barrier_counts.get((category.value, kind.value, "open"), 0),
                    barrier_counts.get((category.value, kind.value, "resolved"), 0),
                )
                for kind in PhaseKind
            ],
        )
        for category in BarrierCategory
    ]

    attention_projects = list(
        projects.needing_attention()
        .select_related("lead_organisation")
        .with_flags()
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
        "live": figures["live"],
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
