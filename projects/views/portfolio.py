"""The portfolio list with its filters and exports, and the agency's dashboard. Rendered
from the data on every request: no page is ever older than the last write."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render

from projects import exports
from projects.access import projects_visible_to, roles_of, user_permission
from projects.filters import ProjectFilter
from projects.selectors.portfolio import dashboard as dashboard_figures
from projects.selectors.portfolio import organisations_leading, portfolio

READ_ONLY = ("GET", "HEAD")


def _filtered_portfolio(request) -> ProjectFilter:
    projects = portfolio(request.user, archived=request.GET.get("archived") == "1")
    return ProjectFilter(
        request.GET or None,
        projects,
        request=request,
        organisations=organisations_leading(projects_visible_to(request.user)),
    )


@user_permission("is_authenticated", methods=READ_ONLY)
def project_list(request):
    """The projects the user may read, filtered; the whole portfolio for the agency."""
    roles = roles_of(request.user)
    showing_archived = roles.is_agency_admin and request.GET.get("archived") == "1"
    project_filter = _filtered_portfolio(request)
    page = Paginator(project_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
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
    projects = _filtered_portfolio(request).qs
    response = StreamingHttpResponse(
        exports.csv_lines(projects), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


@user_permission("is_authenticated", methods=READ_ONLY)
def export_xlsx(request):
    projects = _filtered_portfolio(request).qs
    return FileResponse(
        exports.xlsx_file(projects),
        as_attachment=True,
        filename=exports.filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@user_permission("can_view_dashboard", methods=READ_ONLY)
def dashboard(request):
    context = dashboard_figures(request.user)
    context["max_funnel"] = max([n for _kind, n in context["funnel"]] + [1])
    return render(request, "projects/dashboard.html", context)
