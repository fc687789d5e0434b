"""The portfolio for the agency's own systems: the projects as the portfolio list shows them,
filtered by the list's own filters, and the dashboard's headline figures. Scoped by
`projects.access` like the pages; nothing here is public."""

from datetime import date
from decimal import Decimal
from typing import Literal

import django_filters
from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from pydantic import create_model

from projects.access import projects_visible_to
from projects.api.auth import AgencyToken
from projects.api.pagination import PageParams, page_of
from projects.filters import ProjectFilter
from projects.models import (
    Area,
    BarrierCategory,
    OrganisationKind,
    Outcome,
    PhaseKind,
    TrafficLight,
)
from projects.selectors.portfolio import (
    dashboard,
    organisations_leading,
    portfolio,
    portfolio_rows,
)

router = Router(tags=["Portfolio (agency)"], auth=AgencyToken())
# Internal data: no browser or proxy keeps a copy.
PRIVATE = "private, no-store"


def _choice_type(values):
    return Literal[tuple(str(value) for value in values)]


def _filter_fields() -> dict:
    """One query parameter per filter of the portfolio list, typed by its choices, so the API
    filters exactly as the list does and documents every value it takes."""
    fields = {}
    with translation.override("en"):
        for name, flt in ProjectFilter.base_filters.items():
            description = str(flt.label or name)
            choices = flt.extra.get("choices")
            if isinstance(flt, django_filters.OrderingFilter):
                values = [value for pair in flt.param_map.items() for value in pair[1:]]
                values = [value for field in values for value in (field, f"-{field}")]
                annotation = _choice_type(values) | None
            elif isinstance(flt, django_filters.MultipleChoiceFilter):
                annotation = list[_choice_type(value for value, _label in choices)] | None
            elif isinstance(flt, django_filters.ModelChoiceFilter):
                if flt.extra.get("null_label"):
                    description += " (id, or `null` for none)"
                    annotation = int | Literal["null"] | None
                else:
                    description += " (id)"
                    annotation = int | None
            elif isinstance(flt, django_filters.ChoiceFilter):
                annotation = _choice_type(value for value, _label in choices) | None
            elif isinstance(flt, django_filters.NumberFilter):
                annotation = int | None
                description += " (0–36500)"
            else:
                annotation = str | None
            fields[name] = (annotation, Field(None, description=description))
    fields["archived"] = (
        bool,
        Field(False, description="The archived projects instead (agency administrators)"),
    )
    return fields


PortfolioFilters = create_model("PortfolioFilters", __base__=Schema, **_filter_fields())


def _as_query(filters) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in filters.model_dump(exclude={"archived"}).items():
        if value is None:
            continue
        if isinstance(value, list):
            query.setlist(name, [str(item) for item in value])
        else:
            query[name] = str(value)
    return query


class Organisation(Schema):
    id: int
    name: str
    kind: _choice_type(OrganisationKind.values)


class PortfolioProject(Schema):
    """A project as a row of the portfolio list shows it."""

    id: int
    title: str
    url: str = Field(description="The project's page (for signed-in agency members)")
    lead_organisation: Organisation
    funding_round: str | None
    area: _choice_type(Area.values)
    current_phase: _choice_type(["", *PhaseKind.values]) = Field(description="Empty: no phase")
    current_status: _choice_type(["", *TrafficLight.values]) = Field(
        description="Overall status of the latest update; empty: no update yet"
    )
    last_status_on: date | None
    outcome: _choice_type(Outcome.values)
    organisations_running: int = Field(description="Organisations running the solution")
    organisations_total: int = Field(description="The lead and the participating organisations")
    realisation_percent: Decimal | None = Field(description="Benefits realised, in per cent")
    consultant_share: Decimal | None = Field(
        description="External consultants' share of the spending, in per cent"
    )
    grant_dkk: int
    help_requested: bool
    escalated_barrier: bool
    open_follow_up: bool = Field(description="An open follow-up request from the agency")
    open_obligations: int = Field(description="Open AI Act obligations")
    overdue_obligations: int = Field(description="Overdue AI Act obligations")

    @staticmethod
    def resolve_url(project) -> str:
        return reverse("project_detail", args=[project.pk])

    @staticmethod
    def resolve_funding_round(project) -> str | None:
        return project.funding_round.name if project.funding_round_id else None

    @staticmethod
    def resolve_grant_dkk(project) -> int:
        return int(project.grant_dkk)


class PortfolioPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[PortfolioProject]


@router.get("/portfolio/projects", response=PortfolioPage, summary="The portfolio's projects")
def portfolio_projects(
    request,
    response: HttpResponse,
    filters: Query[PortfolioFilters],
    paging: Query[PageParams],
):
    """Every project of the portfolio with the columns of the portfolio list, filtered by the
    list's filters (repeat a parameter for several values) and sorted by `order` (then by
    title); by title without one."""
    user = request.auth.user
    project_filter = ProjectFilter(
        _as_query(filters) or None,
        portfolio(user, archived=filters.archived),
        request=request,
        organisations=organisations_leading(projects_visible_to(user)),
    )
    response["Cache-Control"] = PRIVATE
    # Paged on the projects' own columns; each row's figures computed for this page only.
    page = page_of(project_filter.qs.values_list("pk", flat=True), paging)
    page["results"] = portfolio_rows(user, page["results"])
    return page


class Count(Schema):
    key: str
    label: str
    projects: int


class AttentionFigures(Schema):
    red: int = Field(description="Live projects whose latest update is red")
    stale: int = Field(description="Ongoing projects without an update for the stale period")
    stale_after_days: int
    escalated: int = Field(description="Live projects with a barrier escalated to the agency")
    help: int = Field(description="Live projects asking the agency for help")


class BarrierCell(Schema):
    category: _choice_type(BarrierCategory.values)
    phase: _choice_type(PhaseKind.values)
    open: int = Field(description="Projects with an open barrier (of live projects)")
    resolved: int = Field(description="Projects with a resolved barrier")


class RoundFigures(Schema):
    id: int
    name: str
    year: int
    projects: int
    grant_dkk: int
    total_budget_dkk: int


class PortfolioFigures(Schema):
    total: int = Field(description="Active (not archived) projects")
    live: int = Field(description="Projects neither stopped nor closed")
    funnel: list[Count] = Field(description="Projects that reached each phase")
    outcomes: list[Count]
    statuses: list[Count] = Field(description="Projects by the overall status of their update")
    no_status: int = Field(description="Projects without a status update")
    attention: AttentionFigures
    barriers: list[BarrierCell] = Field(description="Barriers by category and phase")
    money: list[RoundFigures] = Field(description="Grants and budgets by funding round")


def _counts(pairs) -> list[dict]:
    return [{"key": choice.value, "label": str(choice.label), "projects": n} for choice, n in pairs]


@router.get("/portfolio/figures", response=PortfolioFigures, summary="The dashboard's figures")
def portfolio_figures(request, response: HttpResponse):
    """The headline numbers of the agency's dashboard, computed as the dashboard computes
    them. Labels in the language of the `django_language` cookie (Danish by default)."""
    figures = dashboard(request.auth.user)
    response["Cache-Control"] = PRIVATE
    return {
        "total": figures["total"],
        "live": figures["live"],
        "funnel": _counts(figures["funnel"]),
        "outcomes": _counts(figures["outcomes"]),
        "statuses": _counts(figures["statuses"]),
        "no_status": figures["no_status"],
        "attention": {
            **figures["attention"],
            "stale_after_days": figures["stale_after_days"],
        },
        "barriers": [
            {"category": category.value, "phase": kind.value, "open": n_open, "resolved": done}
            for category, cells in figures["barrier_rows"]
            for kind, n_open, done in cells
        ],
        "money": [
            {
                "id": funding_round.pk,
                "name": funding_round.name,
                "year": funding_round.year,
                "projects": funding_round.projects_count,
                "grant_dkk": int(funding_round.grant or 0),
                "total_budget_dkk": int(funding_round.budget or 0),
            }
            for funding_round in figures["money"]
        ],
    }
