"""The portfolio list with its filters and exports, and the agency's dashboard."""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from projects import exports, selectors
from projects.cache import cached
from projects.filters import ProjectFilter


def _filtered_portfolio(request) -> ProjectFilter:
    projects = selectors.portfolio(request.user, archived=request.GET.get("archived") == "1")
    return ProjectFilter(
        request.GET or None,
        projects,
        request=request,
        organisations=selectors.organisations_leading(selectors.projects_visible_to(request.user)),
    )


@login_required
@require_safe
def project_list(request):
    """The projects the user may read, filtered; the whole portfolio for the agency."""
    roles = selectors.roles_of(request.user)
    showing_archived = roles.is_agency_admin and request.GET.get("archived") == "1"
    computed = {}

    def results() -> str:
        project_filter = _filtered_portfolio(request)
        page = Paginator(project_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        computed.update(filter=project_filter, page=page)
        return render_to_string(
            "projects/includes/portfolio_results.html",
            {
                "filter": project_filter,
                "page": page,
                "query": query.urlencode(),
                "is_filtered": any(value for key, value in request.GET.items() if key != "page"),
                "can_see_archived": roles.is_agency_admin,
                "showing_archived": showing_archived,
            },
            request=request,
        )

    if settings.PORTFOLIO_CACHE:
        # Users with the same roles in the same organisations see the same list.
        scope = (
            roles.is_superuser,
            sorted(roles.agency_roles),
            sorted(roles.partner_roles.items()),
            get_language(),
            timezone.localdate(),  # "no update for N days" moves with the date
            sorted(request.GET.lists()),
        )
        key = "list:" + hashlib.sha256(repr(scope).encode()).hexdigest()
        html = cached(key, results)
    else:
        html = results()
    return render(
        request,
        "projects/project_list.html",
        {
            "results": mark_safe(html),  # rendered by our own template, escaped there
            "is_agency": roles.is_agency,
            "can_create": roles.can_create_projects,
            "showing_archived": showing_archived,
            **computed,
        },
    )


@login_required
@require_safe
def export_csv(request):
    projects = _filtered_portfolio(request).qs
    response = StreamingHttpResponse(
        exports.csv_lines(projects), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


@login_required
@require_safe
def export_xlsx(request):
    projects = _filtered_portfolio(request).qs
    return FileResponse(
        exports.xlsx_file(projects),
        as_attachment=True,
        filename=exports.filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_safe
def dashboard(request):
    if not selectors.roles_of(request.user).is_agency:
        raise PermissionDenied
    # Every agency member sees the whole portfolio, so they share one cached computation.
    context = cached("dashboard", lambda: selectors.dashboard(request.user))
    context["max_funnel"] = max([n for _kind, n in context["funnel"]] + [1])
    return render(request, "projects/dashboard.html", context)
