from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from projects import selectors
from projects.filters import LessonFilter


@login_required
@require_safe
def lesson_list(request):
    """Every lesson the user may read: their projects' and those shared with the portfolio."""
    lessons = selectors.lesson_library(request.user)
    lesson_filter = LessonFilter(
        request.GET or None,
        lessons,
        request=request,
        organisations=selectors.organisations_with_lessons_for(request.user),
    )
    page = Paginator(lesson_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/lesson_list.html",
        {"filter": lesson_filter, "page": page, "query": query.urlencode()},
    )
