"""Forms that add to a project's records: status updates, gate decisions, barriers,
decisions and lessons learned."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import forms as project_forms
from projects import services
from projects.access import project_permission
from projects.models import (
    Barrier,
    Decision,
    LessonLearned,
    LessonVisibility,
    Outcome,
    Phase,
    StatusUpdate,
)
from projects.record_kinds import anchor_of
from projects.selectors.timeline import related_lessons
from projects.views.common import render_form, submit


def _saved(request, message: str, project_pk: int):
    messages.success(request, message)
    return redirect("project_detail", pk=project_pk)


def record_url(record) -> str:
    """Where a saved record is shown: its entry on the whole timeline of the project page."""
    page = reverse("project_detail", args=[record.project_id])
    return f"{page}?timeline=all#{anchor_of(record)}"


@project_permission("change")
def status_update_create(request, access):
    form = project_forms.StatusUpdateForm(
        request.POST or None,
        instance=StatusUpdate(project=access.project),
        initial={"reported_on": timezone.localdate()},
    )
    outcome = submit(
        request,
        form,
        lambda: services.log_status_update(update=form.save(commit=False), author=request.user),
        saved_url=record_url,
    )
    if outcome.saved:
        return _saved(request, _("The status update was saved."), access.project.pk)
    return render_form(
        request, form, title=_("New status update"), access=access, submit=_("Save update")
    )


@project_permission("change")
def phase_advance(request, access):
    project = access.project
    phase = Phase.objects.filter(project=project, ended_on__isnull=True).first()
    form = project_forms.GateDecisionForm(
        request.POST or None,
        phase=phase,
        open_barriers=list(Barrier.objects.open().filter(project=project)),
        initial={"decided_on": timezone.localdate(), "decided_by": _("Steering group")},
    )
    outcome = submit(
        request,
        form,
        lambda: services.advance_phase(
            project=project,
            decision=form.cleaned_data["decision"],
            decided_on=form.cleaned_data["decided_on"],
            decided_by=form.cleaned_data["decided_by"],
            rationale=form.cleaned_data["rationale"],
            conditions=form.cleaned_data["conditions"],
            author=request.user,
            expected_phase=form.expected_phase,
            closing_outcome=form.cleaned_data["closing_outcome"] or Outcome.STOPPED,
            closing_reason=form.cleaned_data["closing_reason"],
            closing_explanation=form.cleaned_data["closing_explanation"],
            barrier_outcomes=form.barrier_outcomes(),
        ),
    )
    if outcome.saved:
        return _saved(request, _("The gate decision was recorded."), project.pk)
    return render_form(
        request,
        form,
        title=_("Gate decision"),
        access=access,
        submit=_("Record gate decision"),
        phase=phase,
        **outcome.extra,
        **_related(request, access, phase=phase.kind if phase else project.current_phase),
    )


@project_permission("change")
def barrier_create(request, access):
    form = project_forms.BarrierForm(
        request.POST or None,
        instance=Barrier(project=access.project),
        initial={
            "identified_on": timezone.localdate(),
            "phase": access.project.current_phase,
        },
    )
    return _save_barrier(
        request,
        form,
        access,
        _("New barrier"),
        _related(request, access, phase=access.project.current_phase),
    )


@project_permission("change", record=Barrier)
def barrier_edit(request, access, record):
    form = project_forms.BarrierForm(request.POST or None, instance=record)
    return _save_barrier(
        request,
        form,
        access,
        _("Edit barrier"),
        _related(request, access, phase=record.phase, category=record.category),
    )


def _related(request, access, *, phase: str, category: str = "") -> dict:
    """Lessons other projects learned in this phase (and category), shown beside a form."""
    return {
        "related_lessons": related_lessons(
            request.user, project=access.project, phase=phase, category=category
        ),
        "related_phase": phase,
        "related_category": category,
    }


def _save_barrier(request, form, access, title, related):
    outcome = submit(
        request,
        form,
        lambda: services.record_barrier(
            barrier=form.save(commit=False),
            author=request.user,
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
        saved_url=record_url,
    )
    if outcome.saved:
        return _saved(request, _("The barrier was saved."), access.project.pk)
    return render_form(
        request,
        form,
        title=title,
        access=access,
        submit=_("Save barrier"),
        **related,
        **outcome.extra,
    )


@project_permission("change", record=Barrier)
def barrier_resolve(request, access, record):
    barrier = record
    form = project_forms.ResolveBarrierForm(
        request.POST or None,
        initial={"resolved_on": timezone.localdate(), "version": barrier.version},
    )
    outcome = submit(
        request,
        form,
        lambda: services.resolve_barrier(
            barrier=barrier,
            resolution=form.cleaned_data["resolution"],
            resolved_on=form.cleaned_data["resolved_on"],
            expected_version=form.cleaned_data["version"] or 0,
        ),
    )
    if outcome.saved:
        return _saved(request, _("The barrier was marked as resolved."), access.project.pk)
    return render_form(
        request,
        form,
        title=_("Resolve barrier: %(title)s") % {"title": barrier.title},
        access=access,
        submit=_("Mark as resolved"),
        barrier=barrier,
        **_related(request, access, phase=barrier.phase, category=barrier.category),
        **outcome.extra,
    )


@project_permission("change", record=Barrier, methods=("POST",))
def barrier_escalate(request, access, record):
    services.escalate_barrier(barrier=record)
    return _saved(request, _("The barrier was escalated to the agency."), access.project.pk)


@project_permission("change")
def decision_create(request, access):
    form = project_forms.DecisionForm(
        request.POST or None,
        project=access.project,
        instance=Decision(project=access.project),
        initial={"decided_on": timezone.localdate()},
    )
    outcome = submit(
        request,
        form,
        lambda: services.record_decision(
            decision=form.save(commit=False),
            barriers=list(form.cleaned_data["barriers"]),
            author=request.user,
        ),
        saved_url=record_url,
    )
    if outcome.saved:
        return _saved(request, _("The decision was recorded."), access.project.pk)
    return render_form(
        request, form, title=_("New decision"), access=access, submit=_("Save decision")
    )


@project_permission("add_lesson")
def lesson_create(request, access):
    initial = {
        "learned_on": timezone.localdate(),
        "phase": access.project.current_phase,
        "visibility": LessonVisibility.PORTFOLIO,
    }
    source = project_forms.source_barrier(access.project, request.GET)
    if source is not None:
        initial.update(
            barrier=source.pk,
            category=source.category,
            phase=source.phase,
            title=source.title,
            what_happened=source.description,
        )
    form = project_forms.LessonForm(
        request.POST or None,
        project=access.project,
        instance=LessonLearned(project=access.project),
        initial=initial,
    )
    outcome = submit(
        request,
        form,
        lambda: services.record_lesson(lesson=form.save(commit=False), author=request.user),
        saved_url=record_url,
    )
    if outcome.saved:
        return _saved(request, _("The lesson was saved."), access.project.pk)
    return render_form(
        request, form, title=_("New lesson learned"), access=access, submit=_("Save lesson")
    )
