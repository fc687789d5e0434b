"""Review notes: the agency writes and closes them, the project answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from projects import selectors, services
from projects.forms import ReviewAnswerForm, ReviewNoteForm
from projects.models import ReviewNote
from projects.views.common import render_form, submit


@login_required
@require_http_methods(["GET", "POST"])
def review_note_create(request, pk: int):
    access = selectors.get_project_for_user(request.user, pk)
    if not access.can_review:
        raise PermissionDenied
    form = ReviewNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.write_review_note(
            project=access.project,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            author=request.user,
        )
        messages.success(request, _("The review note was saved."))
        return redirect("project_detail", pk=pk)
    return render_form(
        request, form, title=_("New review note"), access=access, submit=_("Save note")
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_note_answer(request, pk: int, note_pk: int):
    note, access = selectors.get_record_for_user(
        request.user, ReviewNote, project_pk=pk, pk=note_pk
    )
    if not access.can_change:
        raise PermissionDenied
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
        return redirect("project_detail", pk=pk)
    return render_form(
        request,
        form,
        title=_("Answer the agency"),
        access=access,
        submit=_("Send answer"),
        review_note=note,
        **outcome.extra,
    )


@login_required
@require_POST
def review_note_close(request, pk: int, note_pk: int):
    note, access = selectors.get_record_for_user(
        request.user, ReviewNote, project_pk=pk, pk=note_pk
    )
    if not access.can_review:
        raise PermissionDenied
    services.close_review_note(note=note, user=request.user)
    messages.success(request, _("The review note was closed."))
    return redirect("project_detail", pk=pk)
