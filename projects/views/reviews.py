"""Review notes: the agency writes and closes them, the project answers."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from projects import services
from projects.access import project_permission
from projects.forms import ReviewAnswerForm, ReviewNoteForm
from projects.models import ReviewNote
from projects.views.common import render_form, submit


@project_permission("review")
def review_note_create(request, access):
    form = ReviewNoteForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda: services.write_review_note(
            project=access.project,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            author=request.user,
        ),
        saved_url=lambda note: reverse("project_detail", args=[note.project_id]),
    )
    if outcome.saved:
        messages.success(request, _("The review note was saved."))
        return redirect("project_detail", pk=access.project.pk)
    return render_form(
        request, form, title=_("New review note"), access=access, submit=_("Save note")
    )


@project_permission("change", record=ReviewNote)
def review_note_answer(request, access, record):
    note = record
    form = ReviewAnswerForm(
        request.POST or None, initial={"answer": note.answer, "version": note.version}
    )
    outcome = submit(
        request,
        form,
        lambda: services.answer_review_note(
            note=note,
            answer=form.cleaned_data["answer"],
            user=request.user,
            expected_version=form.cleaned_data["version"] or 0,
        ),
    )
    if outcome.saved:
        messages.success(request, _("Your answer was sent to the agency."))
        return redirect("project_detail", pk=access.project.pk)
    return render_form(
        request,
        form,
        title=_("Answer the agency"),
        access=access,
        submit=_("Send answer"),
        review_note=note,
        **outcome.extra,
    )


@project_permission("review", record=ReviewNote, methods=("POST",))
def review_note_close(request, access, record):
    services.close_review_note(note=record, user=request.user)
    messages.success(request, _("The review note was closed."))
    return redirect("project_detail", pk=access.project.pk)
