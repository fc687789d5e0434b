from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from projects import selectors, services
from projects.forms import ProjectForm
from projects.models import Project
from projects.views.common import project_to_change, render_form, submit


@require_safe
def health(request):
    """For load balancers: the application answers (it touches no database)."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("project_list")


@login_required
@require_safe
def project_detail(request, pk: int):
    access = selectors.get_project_for_user(request.user, pk)
    context = selectors.project_page(access, whole_timeline=request.GET.get("timeline") == "all")
    return render(request, "projects/project_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    roles = selectors.roles_of(request.user)
    if not roles.can_create_projects:
        raise PermissionDenied
    form = ProjectForm(request.POST or None, roles=roles, instance=Project())
    outcome = submit(
        request,
        form,
        lambda: services.create_project(
            project=form.save(commit=False),
            participants=list(form.cleaned_data["participants"]),
        ),
    )
    if outcome.saved:
        messages.success(request, _("The project was created."))
        return redirect("project_detail", pk=outcome.result.pk)
    return render_form(
        request, form, title=_("New project"), access=None, submit=_("Create project")
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    access = project_to_change(request, pk)
    roles = selectors.roles_of(request.user)
    form = ProjectForm(request.POST or None, roles=roles, instance=access.project)
    outcome = submit(
        request,
        form,
        lambda: services.update_project(
            project=form.save(commit=False),
            participants=list(form.cleaned_data["participants"]),
            expected_version=form.expected_version,
        ),
    )
    if outcome.saved:
        messages.success(request, _("The project profile was saved."))
        return redirect("project_detail", pk=pk)
    return render_form(
        request,
        form,
        title=_("Edit project profile"),
        access=access,
        submit=_("Save profile"),
        **outcome.extra,
    )
