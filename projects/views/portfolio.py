"""The portfolio list with its filters and exports, the agency's dashboard and the operation
decisions across the portfolio. Rendered from the data on every request: no page is ever older
than the last write."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from projects import exports
from projects.access import projects_visible_to, roles_of, user_permission
from projects.filters import OperationDecisionFilter, ProjectFilter
from projects.models import OperationDecisionKind, OrganisationKind, ParticipationKind, StopReason
from projects.selectors.kept import kept
from projects.selectors.portfolio import (
    LIST_ROW_FIELDS,
    organisation_row_parts,
    organisations_leading,
    organisations_on,
    portfolio,
    portfolio_rows,
    with_row_figures,
)
from projects.selectors.portfolio import dashboard as dashboard_figures
from projects.selectors.solutions import solution_figures

READ_ONLY = ("GET", "HEAD")


def _filtered_portfolio(request) -> ProjectFilter:
    projects = portfolio(request.user, archived=request.GET.get("archived") == "1")
    project_filter = ProjectFilter(
        request.GET or None,
        projects,
        request=request,
        organisations=organisations_leading(projects_visible_to(request.user)),
    )
    project_filter.offer_kept_choices(request.user)
    return project_filter


@user_permission("is_authenticated", methods=READ_ONLY)
def project_list(request):
    """The projects the user may read, filtered; the whole portfolio for the agency."""
    roles = roles_of(request.user)
    showing_archived = roles.is_agency_admin and request.GET.get("archived") == "1"
    project_filter = _filtered_portfolio(request)
    # Counted, sorted and paged on the projects' own columns; the figures of a row are then
    # computed for the rows of this page only.
    ids = project_filter.qs.values_list("pk", flat=True)
    page = Paginator(ids, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = portfolio_rows(request.user, list(page.object_list), fields=LIST_ROW_FIELDS)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/project_list.html",
        {
            "filter": project_filter,
            "page": page,
            "query": query.urlencode(),
            "is_filtered": any(value for key, value in request.GET.items() if key != "page"),
            "can_see_archived": roles.is_agency_admin,
            "showing_archived": showing_archived,
            "is_agency": roles.is_agency,
            "can_create": roles.can_create_projects,
        },
    )


@user_permission("is_authenticated", methods=READ_ONLY)
def export_csv(request):
    projects = with_row_figures(_filtered_portfolio(request).qs, request.user)
    response = StreamingHttpResponse(
        exports.csv_lines(projects), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


@user_permission("is_authenticated", methods=READ_ONLY)
def export_xlsx(request):
    projects = with_row_figures(_filtered_portfolio(request).qs, request.user)
    return FileResponse(
        exports.xlsx_file(projects),
        as_attachment=True,
        filename=exports.filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@user_permission("can_view_dashboard", methods=READ_ONLY)
def dashboard(request):
    # The same figures for every agency user, and so the same tables: computed and rendered
    # once per state of the database (and language and day); only the page around them is
    # rendered for the user.
    (figures, figures_html), cache = kept("dashboard", "agency", lambda: _dashboard(request.user))
    response = render(request, "projects/dashboard.html", {**figures, "figures_html": figures_html})
    response["X-Cache"] = cache
    return response


def _dashboard(user) -> tuple[dict, str]:
    figures = {**dashboard_figures(user), "solutions": solution_figures()}
    context = {**figures, "max_funnel": max([n for _kind, n in figures["funnel"]] + [1])}
    return figures, render_to_string("projects/includes/dashboard_figures.html", context)


@user_permission("can_view_dashboard", methods=READ_ONLY)
def operation_decision_list(request):
    """Every organisation on every project with its decision on running the solution, those
    that have not decided included."""
    projects = projects_visible_to(request.user).active()
    decision_filter = OperationDecisionFilter(
        request.GET or None,
        organisation_row_parts(projects),
        request=request,
        organisations=organisations_on(projects),
    )
    page = Paginator(decision_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    labels = {
        "decision": dict(OperationDecisionKind.choices),
        "kind": dict(OrganisationKind.choices),
        "reason": dict(StopReason.choices),
        "part": {"lead": _("Lead organisation"), **dict(ParticipationKind.choices)},
    }
    rows = [
        {
            **row,
            "decision_label": labels["decision"].get(row["decision_kind"], ""),
            "organisation_kind_label": labels["kind"].get(row["organisation_kind"], ""),
            "reason_label": labels["reason"].get(row["reason_category"], ""),
            "taking_part_label": labels["part"].get(row["taking_part_as"], ""),
        }
        for row in page.object_list
    ]
    return render(
        request,
        "projects/operation_decision_list.html",
        {
            "filter": decision_filter,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "is_filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )
