from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from projects.access import user_permission
from projects.filters import LessonFilter
from projects.selectors.portfolio import (
    lesson_for,
    lesson_library,
    organisations_with_lessons_for,
)


@user_permission("is_authenticated", methods=("GET", "HEAD"))
def lesson_list(request):
    """Every lesson the user may read: their projects' and those shared with the portfolio."""
    lesson_filter = LessonFilter(
        request.GET or None,
        lesson_library(request.user),
        request=request,
        organisations=organisations_with_lessons_for(request.user),
    )
    lesson_filter.offer_kept_choices(request.user)
    page = Paginator(lesson_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/lesson_list.html",
        {"filter": lesson_filter, "page": page, "query": query.urlencode()},
    )


@user_permission("is_authenticated", methods=("GET", "HEAD"))
def lesson_detail(request, pk: int):
    """One lesson, for everyone who may read it: a lesson shared with the portfolio is read
    here by users who may not open its project (404 for everyone else)."""
    lesson = lesson_for(request.user, pk)
    if lesson is None:
        raise Http404
    return render(request, "projects/lesson_detail.html", {"lesson": lesson})
