"""Withdrawing and restoring log entries, archiving and restoring projects: nothing is
deleted, and every step asks first and can be undone."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from projects import services
from projects.access import project_permission
from projects.record_kinds import RECORD_KINDS, record_model, slug_of


def _model_of_kind(kwargs):
    return record_model(kwargs.pop("kind"))


@project_permission("change", record=_model_of_kind)
def entry_withdraw(request, access, record):
    """GET asks for confirmation (no script needed); POST withdraws."""
    if request.method == "POST":
        services.withdraw_entry(entry=record, user=request.user)
        messages.success(
            request,
            _(
                "“%(entry)s” was withdrawn and no longer counts anywhere. To undo it, open the "
                "withdrawn entries at the end of the timeline and choose Restore."
            )
            % {"entry": record},
        )
        return redirect("project_detail", pk=access.project.pk)
    kind = RECORD_KINDS[slug_of(record)]
    return render(
        request,
        "projects/confirm_withdraw.html",
        {"access": access, "project": access.project, "record": record, "kind": kind},
    )


@project_permission("change", record=_model_of_kind, withdrawn=True, methods=("POST",))
def entry_restore(request, access, record):
    services.restore_entry(entry=record)
    messages.success(
        request, _("“%(entry)s” was restored and is back in the timeline.") % {"entry": record}
    )
    return redirect("project_detail", pk=access.project.pk)


@project_permission("archive", methods=("POST",))
def project_archive(request, access):
    services.set_archived(project=access.project, archived=True)
    messages.success(
        request,
        _(
            "The project was archived: it no longer appears in lists, the dashboard or exports. "
            "To undo it, choose “Restore project” on this page."
        ),
    )
    return redirect("project_detail", pk=access.project.pk)


@project_permission("archive", methods=("POST",))
def project_restore(request, access):
    services.set_archived(project=access.project, archived=False)
    messages.success(
        request,
        _("The project was restored and appears in lists, the dashboard and exports again."),
    )
    return redirect("project_detail", pk=access.project.pk)
