"""Withdrawing log entries, archiving projects and the change history: nothing is deleted."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from projects import selectors, services
from projects.models import Barrier, Decision, LessonLearned, StatusUpdate

WITHDRAWABLE = {
    "updates": StatusUpdate,
    "barriers": Barrier,
    "decisions": Decision,
    "lessons": LessonLearned,
}


@login_required
@require_POST
def entry_withdraw(request, pk: int, kind: str, entry_pk: int):
    model = WITHDRAWABLE.get(kind)
    if model is None:
        raise Http404
    entry, access = selectors.get_record_for_user(request.user, model, project_pk=pk, pk=entry_pk)
    if not access.can_change:
        raise PermissionDenied
    services.withdraw_entry(entry=entry, user=request.user)
    messages.success(
        request,
        _("“%(entry)s” was withdrawn. It is kept in the change history.") % {"entry": entry},
    )
    return redirect("project_detail", pk=pk)


@login_required
@require_POST
def project_archive(request, pk: int):
    return _set_archived(request, pk, archived=True)


@login_required
@require_POST
def project_restore(request, pk: int):
    return _set_archived(request, pk, archived=False)


def _set_archived(request, pk: int, *, archived: bool):
    access = selectors.get_project_for_user(request.user, pk)
    if not selectors.roles_of(request.user).is_agency_admin:
        raise PermissionDenied
    services.set_archived(project=access.project, archived=archived)
    messages.success(
        request,
        _("The project was archived. It is hidden from lists and can be restored.")
        if archived
        else _("The project was restored."),
    )
    return redirect("project_detail", pk=pk)


@login_required
@require_safe
def project_history(request, pk: int):
    """Who changed what in the project and its records, field by field, newest first."""
    access = selectors.get_project_for_user(request.user, pk)
    entries = selectors.project_history(access.project)
    page = Paginator(entries, settings.PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_history.html",
        {
            "access": access,
            "project": access.project,
            "page": page,
            "rows": selectors.history_rows(page.object_list),
            "query": "",
        },
    )
