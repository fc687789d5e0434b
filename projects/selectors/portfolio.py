"""The portfolio: the list and its exports, the dashboard, the operation decisions across the
portfolio and the lessons library."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.access import (
    lessons_visible_to,
    project_readable,
    projects_visible_to,
    roles_of,
)
from projects.models import (
    AIActRiskClass,
    Barrier,
    BarrierCategory,
    BarrierStatus,
    BenefitIndicator,
    BenefitKind,
    FundingRound,
    LessonLearned,
    ObligationStatus,
    OperationDecision,
    OperationDecisionKind,
    Organisation,
    Outcome,
    Participation,
    Phase,
    PhaseKind,
    Project,
    ProjectObligation,
    Spending,
    StopReason,
    TrafficLight,
    consultant_share,
)

STALE_AFTER_DAYS = 90

# A pilot has finished when its outcome is no longer "ongoing"; it reached operation when it
# runs in at least one organisation.
REACHED_OPERATION = [Outcome.IN_OPERATION.value, Outcome.SCALED.value]
WITHOUT_OPERATION = [value.value for value in Outcome.closed_values()]

# The bands the list filters on and the dashboard counts by: (URL value, label, condition).
REALISATION_BANDS = [
    ("not_measured", _("Not measured"), Q(realisation_percent__isnull=True)),
    ("under_50", _("Under 50 %"), Q(realisation_percent__lt=50)),
    ("50_99", _("50–99 %"), Q(realisation_percent__gte=50, realisation_percent__lt=100)),
    ("100", _("100 % or more"), Q(realisation_percent__gte=100)),
]
SHARE_BANDS = [
    ("none", _("None recorded"), Q(consultant_share__isnull=True)),
    ("under_25", _("Under 25 %"), Q(consultant_share__lt=25)),
    ("25_50", _("25–50 %"), Q(consultant_share__gte=25, consultant_share__lte=50)),
    ("over_50", _("Over 50 %"), Q(consultant_share__gt=50)),
]
# The portfolio's filter on AI Act obligations: (URL value, label). The dashboard's counts
# by risk class link to it and to the filter on an obligation's status.
OBLIGATION_STATES = [
    ("overdue", _("Overdue (open past the due date)")),
    ("open_before_operation", _("Open, to be met before operation")),
]
BEFORE_OPERATION = [kind.value for kind in PhaseKind if kind.order < PhaseKind.OPERATION.order]
# The spending compared between projects that reached operation and those that did not.
OUTCOME_GROUPS = [
    ("operation", _("Reached operation"), REACHED_OPERATION),
    ("without", _("Stopped or closed without operation"), WITHOUT_OPERATION),
    ("ongoing", _("Still ongoing"), [Outcome.ONGOING.value]),
]


def on_its_project() -> Q:
    """An operation decision of an organisation that is on its project: the lead or a
    participant (a decision stays recorded when a participant leaves, but no longer counts)."""
    return Q(organisation_id=F("project__lead_organisation_id")) | Q(
        Exists(
            Participation.objects.filter(
                project_id=OuterRef("project_id"), organisation_id=OuterRef("organisation_id")
            )
        )
    )


def current_decisions() -> QuerySet[OperationDecision]:
    """The operation decisions the lists and the dashboard count."""
    return OperationDecision.objects.filter(on_its_project())


def has_decision(decision: str) -> Q:
    """For projects: some organisation on the project has this decision; for "undecided",
    some organisation on it has none or an undecided one."""
    if decision != OperationDecisionKind.UNDECIDED:
        return Q(Exists(current_decisions().filter(project=OuterRef("pk"), decision=decision)))
    decided = OperationDecision.objects.exclude(decision=OperationDecisionKind.UNDECIDED)
    lead_undecided = ~Exists(
        decided.filter(project=OuterRef("pk"), organisation=OuterRef("lead_organisation"))
    )
    participant_undecided = Exists(
        Participation.objects.filter(project=OuterRef("pk"))
        .exclude(organisation_id=F("project__lead_organisation_id"))
        .exclude(
            Exists(
                decided.filter(
                    project_id=OuterRef("project_id"), organisation_id=OuterRef("organisation_id")
                )
            )
        )
    )
    return Q(lead_undecided) | Q(participant_undecided)


def has_reason(reason: str) -> Q:
    """For projects: an organisation on it gave this reason for not running the solution, or
    the project closed for it."""
    return Q(closing_reason=reason) | Q(
        Exists(current_decisions().filter(project=OuterRef("pk"), reason_category=reason))
    )


def held_obligations(state: str) -> QuerySet[ProjectObligation]:
    """A project's current AI Act obligations in a state: "overdue" (open past the due date),
    "open_before_operation" (open and to be met before the solution goes into operation) or
    one of the statuses."""
    if state == "overdue":
        return ProjectObligation.objects.overdue()
    if state == "open_before_operation":
        return ProjectObligation.objects.open().filter(obligation__phase__in=BEFORE_OPERATION)
    return ProjectObligation.objects.current().filter(status=state)


def has_obligations(state: str) -> Q:
    """For projects: at least one of its current obligations is in this state (see
    `held_obligations`)."""
    return Q(Exists(held_obligations(state).filter(project=OuterRef("pk"))))


def _count_per_project(queryset) -> Coalesce:
    counted = queryset.order_by().values("project").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_organisations_in_operation(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with how many of its organisations run the solution, and how many
    organisations it has (the lead and the participants)."""
    running = current_decisions().filter(
        project=OuterRef("pk"), decision=OperationDecisionKind.IN_OPERATION
    )
    participants = Participation.objects.filter(project=OuterRef("pk")).exclude(
        organisation_id=F("project__lead_organisation_id")
    )
    return projects.annotate(
        organisations_running=_count_per_project(running),
        organisations_total=_count_per_project(participants) + 1,
    )


def with_obligation_counts(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with how many of its current AI Act obligations are open, and how many of
    those are overdue."""
    return projects.annotate(
        open_obligations=_count_per_project(
            ProjectObligation.objects.open().filter(project=OuterRef("pk"))
        ),
        overdue_obligations=_count_per_project(
            ProjectObligation.objects.overdue().filter(project=OuterRef("pk"))
        ),
    )


def portfolio(user, *, archived: bool = False) -> QuerySet[Project]:
    """The projects of the portfolio list and its exports, to filter, sort, count and page:
    only the projects' own columns, so that counting and sorting never compute a row's
    figures (see `with_row_figures`). The archived ones instead when asked for by an agency
    administrator."""
    archived = archived and roles_of(user).is_agency_admin
    return projects_visible_to(user).filter(archived=archived).order_by("title", "id")


def _follow_ups_of(user) -> tuple[int, ...] | None:
    """Whose follow-up requests a row flags: all for the agency, else those of projects led
    by the user's organisations (see `ProjectQuerySet.with_flags`)."""
    roles = roles_of(user)
    return None if roles.is_agency else tuple(sorted(roles.organisation_ids))


def _with_row_figures(projects: QuerySet[Project], follow_ups_of) -> QuerySet[Project]:
    projects = projects.select_related("lead_organisation", "funding_round").with_flags(
        follow_ups_of=None if follow_ups_of is None else list(follow_ups_of)
    )
    return with_obligation_counts(with_organisations_in_operation(projects))


def with_row_figures(projects: QuerySet[Project], user) -> QuerySet[Project]:
    """Each project with what a row of the list and the exports shows: its lead organisation
    and round, the flags, the count of organisations running the solution and the counts of
    open and overdue AI Act obligations."""
    return _with_row_figures(projects, _follow_ups_of(user))


@lru_cache(maxsize=128)
def _row_figures(follow_ups_of: tuple[int, ...] | None, today: date) -> QuerySet[Project]:
    """`with_row_figures` of every project, built once a day for each set of organisations
    whose follow-ups are flagged (the overdue count reads the date): building its subqueries
    costs more than running them for a page of rows. Never evaluated itself; each page
    filters a copy."""
    return _with_row_figures(Project.objects.all(), follow_ups_of)


# What a row of the list page shows of the project itself, its round and its lead
# organisation.
LIST_ROW_FIELDS = (
    "title",
    "funding_round__name",
    "lead_organisation__name",
    "current_phase",
    "current_status",
    "last_status_on",
    "outcome",
    "help_requested",
    "realisation_percent",
    "consultant_share",
)


def portfolio_rows(user, pks: list[int], *, fields: tuple[str, ...] = ()) -> list[Project]:
    """The rows of one page of the list, in the order of `pks` (one page of an already
    filtered and sorted `portfolio`): the figures are computed for these rows only. Only
    `fields` are read of the projects and their relations, when given (`LIST_ROW_FIELDS`)."""
    figures = _row_figures(_follow_ups_of(user), timezone.localdate()).filter(pk__in=pks)
    rows = {project.pk: project for project in (figures.only(*fields) if fields else figures)}
    return [rows[pk] for pk in pks if pk in rows]


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
    """The lessons the user may read, each marked with whether the user may open its project
    (a shared lesson of another organisation's project is read on its own page)."""
    return (
        lessons_visible_to(user)
        .filter(project__archived=False)
        .select_related("project", "project__lead_organisation", "author")
        .annotate(project_readable=project_readable(user))
        .order_by("-learned_on", "-pk")
    )


def lesson_for(user, pk: int) -> LessonLearned | None:
    """One lesson, if the user may read it, marked as the library marks it."""
    return (
        lessons_visible_to(user)
        .select_related("project__lead_organisation", "author", "barrier")
        .annotate(project_readable=project_readable(user))
        .filter(pk=pk)
        .first()
    )


def organisations_on(projects: QuerySet[Project]) -> QuerySet[Organisation]:
    """The organisations leading or taking part in any of these projects, for filter choices."""
    participating = Participation.objects.filter(project__in=projects).values("organisation_id")
    return Organisation.objects.filter(
        Q(pk__in=projects.values("lead_organisation_id")) | Q(pk__in=participating)
    ).order_by("name")


def _decision_columns() -> dict:
    """The columns of a row taken from the organisation's own decision, joined as `own`."""
    text = CharField()
    return {
        "decision_kind": Coalesce(
            F("own__decision"), Value(OperationDecisionKind.UNDECIDED.value), output_field=text
        ),
        "decided_on": F("own__decided_on"),
        "decided_by": Coalesce(F("own__decided_by"), Value(""), output_field=text),
        "reason_category": Coalesce(F("own__reason_category"), Value(""), output_field=text),
        "reason": Coalesce(F("own__reason"), Value(""), output_field=TextField()),
    }


def organisation_row_parts(projects: QuerySet[Project]) -> list[QuerySet]:
    """One row per organisation on each of these projects, in two parts with the same columns:
    the lead organisations, and the participating ones. Built from the organisations on the
    projects, so that those without a decision are rows too ("not yet decided"). Filter each
    part, then combine them with `combine_rows`."""
    leads = (
        projects.annotate(
            own=FilteredRelation(
                "operation_decisions",
                condition=Q(operation_decisions__organisation=F("lead_organisation")),
            )
        )
        .order_by()
        .values(
            project_ref=F("pk"),
            project_title=F("title"),
            project_outcome=F("outcome"),
            round_ref=F("funding_round_id"),
            round_name=F("funding_round__name"),
            organisation_ref=F("lead_organisation_id"),
            organisation_name=F("lead_organisation__name"),
            organisation_kind=F("lead_organisation__kind"),
            taking_part_as=Value("lead", output_field=CharField()),
            position=Value(0, output_field=IntegerField()),
            **_decision_columns(),
        )
    )
    participants = (
        Participation.objects.filter(project__in=projects)
        .exclude(organisation_id=F("project__lead_organisation_id"))
        .annotate(
            own=FilteredRelation(
                "project__operation_decisions",
                condition=Q(project__operation_decisions__organisation=F("organisation")),
            )
        )
        .order_by()
        .values(
            project_ref=F("project_id"),
            project_title=F("project__title"),
            project_outcome=F("project__outcome"),
            round_ref=F("project__funding_round_id"),
            round_name=F("project__funding_round__name"),
            organisation_ref=F("organisation_id"),
            organisation_name=F("organisation__name"),
            organisation_kind=F("organisation__kind"),
            taking_part_as=F("kind"),
            position=Value(1, output_field=IntegerField()),
            **_decision_columns(),
        )
    )
    return [leads, participants]


def combine_rows(parts: list[QuerySet]) -> QuerySet:
    """The parts as one list: by project, its lead first, then the participants by name."""
    first, *rest = parts
    return first.union(*rest, all=True).order_by(
        "project_title", "project_ref", "position", "organisation_name"
    )


# The dashboard


@dataclass(frozen=True)
class Figure:
    """A number on the dashboard and the address of exactly what it counts."""

    value: object
    url: str = ""


_ALL_ROUNDS = "all"


def _link(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", [])}, doseq=True)
    return f"{reverse(name)}?{query}"


def _round_params(key) -> dict:
    if key == _ALL_ROUNDS:
        return {}
    return {"funding_round": "null" if key is None else key}


def _in_round(groups: list[dict], key) -> list[dict]:
    return groups if key == _ALL_ROUNDS else [g for g in groups if g["round_id"] == key]


def _whole(value) -> int | None:
    """A sum of decimals as a whole number (hours, kroner), rounded half up."""
    if value is None:
        return None
    return int(Decimal(value).to_integral_value(rounding=ROUND_HALF_UP))


def _year_before(today: date) -> date:
    """The same day a year earlier (28 February for 29 February): "the last 12 months"."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def _directed(then_down, otherwise) -> Case:
    """A benefit counted in the target's direction: when the target lies below the baseline
    (fewer hours spent), going down is the gain."""
    return Case(
        When(target_value__lt=F("baseline_value"), then=then_down),
        default=otherwise,
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def destination_counts() -> dict:
    """Counts of projects by benefit realisation and consultants' share, to aggregate by
    outcome, closing reason and round (see `_destination`)."""
    return {
        "n": Count("pk"),
        **{f"realisation_{v}": Count("pk", filter=c) for v, _label, c in REALISATION_BANDS},
        **{f"share_{v}": Count("pk", filter=c) for v, _label, c in SHARE_BANDS},
    }


def _destination(
    projects: QuerySet[Project], rounds: list[FundingRound], project_groups: list[dict]
) -> dict:
    """Where the pilots ended up, per funding round: operation, the reasons of those that
    did not get there, the benefits measured against their baselines and the consultants'
    share of the spending. `project_groups` holds the `destination_counts` of the projects by
    outcome, closing reason and round (`round_id`); three more queries, grouped by the
    database."""
    decision_groups = list(
        current_decisions()
        .filter(project__in=projects.values("pk"))
        .exclude(project__outcome=Outcome.ONGOING)
        .order_by()
        .values("decision", "reason_category", round_id=F("project__funding_round_id"))
        .annotate(n=Count("pk"))
    )
    computable = Q(
        baseline_value__isnull=False, target_value__isnull=False, latest_value__isnull=False
    ) & ~Q(target_value=F("baseline_value"))
    expected = _directed(
        F("baseline_value") - F("target_value"), F("target_value") - F("baseline_value")
    )
    realised = _directed(
        F("baseline_value") - F("latest_value"), F("latest_value") - F("baseline_value")
    )
    since = _year_before(timezone.localdate())
    indicator_groups = list(
        BenefitIndicator.objects.filter(project__in=projects.values("pk"))
        .order_by()
        .values(round_id=F("project__funding_round_id"))
        .annotate(
            indicators=Count("pk"),
            with_baseline=Count("pk", filter=Q(baseline_value__isnull=False)),
            measured_recently=Count("pk", filter=Q(latest_on__gte=since)),
            **{
                f"{name}_{kind}": Sum(expression, filter=computable & Q(kind=kind))
                for kind in BenefitKind.summable()
                for name, expression in (("expected", expected), ("realised", realised))
            },
        )
    )
    spending_groups = list(
        Spending.objects.filter(project__in=projects.values("pk"))
        .order_by()
        .values(round_id=F("project__funding_round_id"), outcome=F("project__outcome"))
        .annotate(external=Sum("external_dkk"), internal=Sum("internal_dkk"))
    )

    keys = [(round.pk, round.name) for round in rounds]
    if any(group["round_id"] is None for group in project_groups):
        keys.append((None, _("No funding round")))
    keys.append((_ALL_ROUNDS, _("All funding rounds")))

    spending = [
        _spending_row(
            label,
            _in_round(project_groups, key),
            _in_round(spending_groups, key),
            _round_params(key),
        )
        for key, label in keys
    ]
    spending_by_outcome = [
        _spending_row(
            label,
            [g for g in project_groups if g["outcome"] in outcomes],
            [g for g in spending_groups if g["outcome"] in outcomes],
            {"outcome": outcomes},
        )
        for _value, label, outcomes in OUTCOME_GROUPS
    ]
    return {
        "operation": [
            _operation_row(
                key, label, _in_round(project_groups, key), _in_round(decision_groups, key)
            )
            for key, label in keys
        ],
        "benefits": [
            _benefit_row(
                key, label, _in_round(project_groups, key), _in_round(indicator_groups, key)
            )
            for key, label in keys
        ],
        "spending_tables": [
            (
                spending,
                _("Funding round"),
                _("External consultants' and own staff's spending by funding round"),
            ),
            (
                spending_by_outcome,
                _("Projects"),
                _("The same for projects that reached operation and those that did not"),
            ),
        ],
        "realisation_bands": [label for _v, label, _c in REALISATION_BANDS],
        "share_bands": [label for _v, label, _c in SHARE_BANDS],
        "measured_since": since,
    }


def _operation_row(key, label, projects: list[dict], decisions: list[dict]) -> dict:
    here = _round_params(key)

    def pilots(outcomes, **params) -> Figure:
        n = sum(g["n"] for g in projects if g["outcome"] in outcomes)
        return Figure(n, _link("project_list", **here, **params))

    def organisations(decision, reason="") -> Figure:
        n = sum(
            g["n"]
            for g in decisions
            if g["decision"] == decision and (not reason or g["reason_category"] == reason)
        )
        params = {"decision": decision, "reason_category": reason, "finished": "yes"}
        return Figure(n, _link("operation_decision_list", **here, **params))

    finished = [o for o in Outcome.values if o != Outcome.ONGOING]
    reasons = []
    for reason in StopReason:
        closed = sum(
            g["n"]
            for g in projects
            if g["outcome"] in WITHOUT_OPERATION and g["closing_reason"] == reason
        )
        row = (
            reason.label,
            organisations(OperationDecisionKind.NOT_TO.value, reason.value),
            organisations(OperationDecisionKind.POSTPONED.value, reason.value),
            Figure(
                closed,
                _link(
                    "project_list",
                    **here,
                    outcome=WITHOUT_OPERATION,
                    closing_reason=reason.value,
                ),
            ),
        )
        if any(figure.value for figure in row[1:]):
            reasons.append(row)
    return {
        "label": label,
        "is_total": key == _ALL_ROUNDS,
        "finished": pilots(finished, finished="yes"),
        "in_operation": pilots(REACHED_OPERATION, outcome=REACHED_OPERATION),
        "organisations_running": organisations(OperationDecisionKind.IN_OPERATION.value),
        "organisations_not_to": organisations(OperationDecisionKind.NOT_TO.value),
        "organisations_postponed": organisations(OperationDecisionKind.POSTPONED.value),
        "without_operation": pilots(WITHOUT_OPERATION, outcome=WITHOUT_OPERATION),
        "reasons": reasons,
    }


def _benefit_row(key, label, projects: list[dict], indicators: list[dict]) -> dict:
    here = _round_params(key)

    def total(name):
        values = [g[name] for g in indicators if g[name] is not None]
        return _whole(sum(values)) if values else None

    return {
        "label": label,
        "is_total": key == _ALL_ROUNDS,
        "indicators": sum(g["indicators"] for g in indicators),
        "with_baseline": sum(g["with_baseline"] for g in indicators),
        "measured_recently": sum(g["measured_recently"] for g in indicators),
        "expected_hours": total(f"expected_{BenefitKind.HOURS}"),
        "realised_hours": total(f"realised_{BenefitKind.HOURS}"),
        "expected_dkk": total(f"expected_{BenefitKind.DKK}"),
        "realised_dkk": total(f"realised_{BenefitKind.DKK}"),
        "bands": [
            Figure(
                sum(g[f"realisation_{value}"] for g in projects),
                _link("project_list", **here, realisation=value),
            )
            for value, _label, _condition in REALISATION_BANDS
        ],
    }


def _spending_row(label, projects: list[dict], spending: list[dict], params: dict) -> dict:
    external = sum(g["external"] or 0 for g in spending)
    internal = sum(g["internal"] or 0 for g in spending)
    return {
        "label": label,
        "is_total": not params,
        "external": external,
        "internal": internal,
        "share": consultant_share(external, internal),
        "bands": [
            Figure(
                sum(g[f"share_{value}"] for g in projects),
                _link("project_list", **params, consultant_share=value),
            )
            for value, _label, _condition in SHARE_BANDS
        ],
    }


def obligation_cells(projects: QuerySet[Project]) -> list[QuerySet]:
    """Counts of `projects` with at least one current AI Act obligation in each status, and
    with an overdue one (among projects neither stopped nor closed, as the list filters them),
    by risk class: parts of the dashboard's union of cells (category: the risk class, phase:
    the status or "overdue", state: "obligation"). One pass over the obligations each, rather
    than a look into every project's obligations for every status."""

    def cells(obligations, phase) -> QuerySet:
        return (
            obligations.values(
                category=F("project__ai_act_risk_class"), phase=phase, state=Value("obligation")
            )
            .annotate(n=Count("project", distinct=True))
            .order_by()
        )

    return [
        cells(ProjectObligation.objects.current().filter(project__in=projects), F("status")),
        cells(
            ProjectObligation.objects.overdue().filter(project__in=projects.live()),
            Value("overdue"),
        ),
    ]


def _obligations_by_risk_class(groups: dict[str, dict]) -> dict:
    """Projects by AI Act risk class with at least one current obligation in each status, and
    with an overdue one: `groups` holds the `obligation_cells` of each risk class. Projects
    are counted, not obligations, so that each number is the length of the list it links to;
    a project with obligations in several statuses counts in each."""
    statuses = list(ObligationStatus)

    def row(label, risk_classes: list[str], params: dict) -> dict:
        def total(name):
            return sum(groups[value][name] for value in risk_classes if value in groups)

        return {
            "label": label,
            "is_total": not params,
            "statuses": [
                Figure(
                    total(f"obligation_{status.value}"),
                    _link("project_list", **params, obligation_status=status.value),
                )
                for status in statuses
            ],
            "overdue": Figure(
                total("obligation_overdue"),
                _link("project_list", **params, obligations="overdue"),
            ),
        }

    return {
        "statuses": statuses,
        "rows": [
            *(
                row(risk_class.label, [risk_class.value], {"ai_act_risk_class": risk_class.value})
                for risk_class in AIActRiskClass
            ),
            row(_("All risk classes"), AIActRiskClass.values, {}),
        ],
    }


ESCALATED_SHOWN = 10


def escalated_barriers(projects: QuerySet[Project], *, limit: int = ESCALATED_SHOWN):
    """The open barriers of live projects escalated to the agency, newest escalation first,
    with what the agency is asked to do: one query, however many there are."""
    return list(
        Barrier.objects.open()
        .filter(escalated=True, project__in=projects.live().values("pk"))
        .select_related("project__lead_organisation", "escalated_by")
        .order_by("-escalated_on", "-pk")[:limit]
    )


def _summed_by(rows: list[dict], keys: tuple[str, ...], grouped_by: tuple[str, ...]) -> dict:
    """The counts of grouped rows summed over every group with the same `keys`."""
    sums: dict[tuple, dict] = {}
    for row in rows:
        total = sums.setdefault(tuple(row[key] for key in keys), defaultdict(int))
        for name, value in row.items():
            if name not in grouped_by:
                total[name] += value or 0
    return sums


def _summed(rows: list[dict], keys: tuple[str, ...], grouped_by: tuple[str, ...]) -> dict:
    return _summed_by(rows, keys, grouped_by).get((), defaultdict(int))


def dashboard(user) -> dict:
    """The portfolio in numbers, computed by the database in a fixed number of queries.
    Attention and open barriers count live projects only: a stopped or closed project needs no
    follow-up."""
    projects = projects_visible_to(user).active()
    project_ids = projects.values("pk")
    live = ~Q(outcome__in=Outcome.closed_values())

    # The headline counts and the projects' outcomes, benefits and consultants' shares by
    # round in one query: grouped by all three, summed here for each view of them.
    rows = list(
        projects.order_by()
        .values("outcome", "closing_reason", round_id=F("funding_round_id"))
        .annotate(
            **destination_counts(),
            total=Count("pk"),
            live=Count("pk", filter=live),
            **{f"outcome_{o.value}": Count("pk", filter=Q(outcome=o)) for o in Outcome},
            **{f"status_{t.value}": Count("pk", filter=Q(current_status=t)) for t in TrafficLight},
            no_status=Count("pk", filter=Q(current_status="")),
            red=Count("pk", filter=live & Q(current_status=TrafficLight.RED)),
            stale=Count(
                "pk",
                filter=Q(outcome=Outcome.ONGOING)
                & Project.objects.stale_condition(STALE_AFTER_DAYS),
            ),
            # The escalated projects as one set the database hashes, rather than a look
            # into each project's barriers.
            escalated=Count(
                "pk",
                filter=live
                & Q(pk__in=Barrier.objects.open().filter(escalated=True).values("project_id")),
            ),
            help=Count("pk", filter=live & Q(help_requested=True)),
            grant=Sum("grant_dkk"),
            budget=Sum("total_budget_dkk"),
        )
    )
    grouped_by = ("outcome", "closing_reason", "round_id")
    figures = _summed(rows, (), grouped_by)
    project_groups = [
        {"outcome": outcome, "closing_reason": reason, "round_id": round_id, **sums}
        for (outcome, reason, round_id), sums in _summed_by(
            rows, ("outcome", "closing_reason", "round_id"), grouped_by
        ).items()
    ]

    # The phases the projects reached (the funnel), the projects with open and resolved
    # barriers by category and phase, and those with AI Act obligations in each status by
    # risk class, each project counted once a cell: one query of four parts, the phases'
    # rows marked by an empty state.
    reached = (
        Phase.objects.filter(project__in=project_ids)
        .values(category=F("kind"), phase=Value(""), state=Value(""))
        .annotate(n=Count("project", distinct=True))
        .order_by()
    )
    # Open barriers of stopped or closed projects are counted in neither column, as the
    # portfolio list leaves them out of "open" unless asked to include closed projects.
    is_open = Q(status__in=BarrierStatus.open_values())
    cells = (
        Barrier.objects.filter(project__in=project_ids)
        .values(
            "category",
            "phase",
            state=Case(
                When(
                    is_open & ~Q(project__outcome__in=Outcome.closed_values()), then=Value("open")
                ),
                When(~is_open, then=Value("resolved")),
                default=Value("none"),
            ),
        )
        .annotate(n=Count("project", distinct=True))
        .order_by()
    )
    barrier_counts, phase_counts = {}, {}
    by_risk_class: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for cell in cells.union(reached, *obligation_cells(projects), all=True):
        if cell["state"] == "obligation":
            by_risk_class[cell["category"]][f"obligation_{cell['phase']}"] = cell["n"]
        elif cell["state"]:
            barrier_counts[cell["category"], cell["phase"], cell["state"]] = cell["n"]
        else:
            phase_counts[cell["category"]] = cell["n"]
    funnel = [(kind, phase_counts.get(kind.value, 0)) for kind in PhaseKind]
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

    # Each round's projects, grants and budgets, summed from the grouped counts above.
    by_round = _summed_by(rows, ("round_id",), grouped_by)
    money = list(FundingRound.objects.order_by("year", "name"))
    for funding_round in money:
        sums = by_round.get((funding_round.pk,))
        funding_round.projects_count = sums["total"] if sums else 0
        funding_round.grant = sums["grant"] if sums else None
        funding_round.budget = sums["budget"] if sums else None
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
        "escalated_barriers": escalated_barriers(projects),
        "stale_after_days": STALE_AFTER_DAYS,
        "money": money,
        "destination": _destination(projects, money, project_groups),
        "obligations": _obligations_by_risk_class(by_risk_class),
    }
