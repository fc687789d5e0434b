from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from projects import services
from projects.access import project_permission, roles_of, user_permission
from projects.forms import ProjectForm
from projects.models import Project
from projects.selectors.timeline import (
    project_operation_page,
    project_page,
    project_rules_page,
    timeline_length,
)
from projects.views.common import render_form, submit


@require_safe
def health(request):
    """For load balancers: the application answers (it touches no database)."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("project_list")


@project_permission("read", methods=("GET", "HEAD"))
def project_detail(request, access):
    context = project_page(access, timeline_length=timeline_length(request.GET.get("timeline")))
    return render(request, "projects/project_detail.html", {**context, "tab": "overview"})


@project_permission("read", methods=("GET", "HEAD"))
def project_operation(request, access):
    """The project's operation and benefits, a page of its own beside the overview."""
    context = project_operation_page(access)
    return render(request, "projects/project_operation.html", {**context, "tab": "operation"})


@project_permission("read", methods=("GET", "HEAD"))
def project_rules(request, access):
    """The project's AI Act obligations and legal questions, a page of its own."""
    context = project_rules_page(access)
    return render(request, "projects/project_rules.html", {**context, "tab": "rules"})


@user_permission("can_create_projects")
def project_create(request):
    form = ProjectForm(request.POST or None, roles=roles_of(request.user), instance=Project())
    outcome = submit(
        request,
        form,
        lambda: services.create_project(
            project=form.save(commit=False),
            participants=list(form.cleaned_data["participants"]),
            adopters=list(form.cleaned_data["adopters"]),
        ),
        saved_url=lambda project: reverse("project_detail", args=[project.pk]),
    )
    if outcome.saved:
        messages.success(request, _("The project was created."))
        return redirect("project_detail", pk=outcome.result.pk)
    return render_form(
        request, form, title=_("New project"), access=None, submit=_("Create project")
    )


def _obligations_changed(changes: services.ObligationChanges) -> str:
    """What a profile change did to the project's AI Act obligations, in words."""

    def articles(obligations) -> str:
        return ", ".join(obligation.article for obligation in obligations)

    parts = []
    if changes.added:
        parts.append(
            ngettext(
                "The new profile gives the project %(count)d more AI Act obligation: %(articles)s.",
                "The new profile gives the project %(count)d more AI Act obligations: "
                "%(articles)s.",
                len(changes.added),
            )
            % {"count": len(changes.added), "articles": articles(changes.added)}
        )
    if changes.superseded:
        parts.append(
            ngettext(
                "%(count)d obligation no longer applies and is marked superseded: %(articles)s.",
                "%(count)d obligations no longer apply and are marked superseded: %(articles)s.",
                len(changes.superseded),
            )
            % {"count": len(changes.superseded), "articles": articles(changes.superseded)}
        )
    return " ".join(parts)


@project_permission("change")
def project_edit(request, access):
    form = ProjectForm(request.POST or None, roles=roles_of(request.user), instance=access.project)
    outcome = submit(
        request,
        form,
        lambda: services.update_profile(
            project=form.save(commit=False),
            participants=list(form.cleaned_data["participants"]),
            adopters=list(form.cleaned_data["adopters"]),
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
    )
    if outcome.saved:
        changes = outcome.result[1]
        messages.success(request, _("The project profile was saved."))
        if changes.added or changes.superseded:
            messages.info(request, _obligations_changed(changes))
            return redirect(reverse("project_rules", args=[access.project.pk]) + "#compliance")
        return redirect("project_detail", pk=access.project.pk)
    return render_form(
        request,
        form,
        title=_("Edit project profile"),
        access=access,
        submit=_("Save profile"),
        **outcome.extra,
    )
