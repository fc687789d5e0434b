from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from projects import selectors


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("project_list")


@login_required
@require_safe
def project_list(request):
    projects = selectors.project_list(request.user)
    page = Paginator(projects, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/project_list.html", {"page": page})


@login_required
@require_safe
def project_detail(request, pk: int):
    access = selectors.get_project_for_user(request.user, pk)
    return render(request, "projects/project_detail.html", selectors.project_page(access))
