from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from projects.access import project_permission
from projects.selectors.history import history_rows
from projects.selectors.history import project_history as history_of


@project_permission("read", methods=("GET", "HEAD"))
def project_history(request, access):
    """Who changed what in the project and its records, field by field, newest first."""
    entries = history_of(access.project, with_review_notes=access.can_read_reviews)
    page = Paginator(entries, settings.PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_history.html",
        {
            "access": access,
            "project": access.project,
            "page": page,
            "rows": history_rows(page.object_list),
            "query": "",
        },
    )
