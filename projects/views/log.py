"""Forms that add to a project's log: status updates, gate decisions, barriers, decisions
and lessons learned."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from projects import selectors, services
from projects.forms import (
    BarrierForm,
    DecisionForm,
    GateDecisionForm,
    LessonForm,
    ResolveBarrierForm,
    StatusUpdateForm,
)
from projects.models import (
    Barrier,
    Decision,
    LessonLearned,
    LessonVisibility,
    Phase,
    StatusUpdate,
)
from projects.views.common import project_to_change, render_form, submit

GET_POST = require_http_methods(["GET", "POST"])


def _saved(request, message: str, project_pk: int):
    messages.success(request, message)
    return redirect("project_detail", pk=project_pk)


@login_required
@GET_POST
def status_update_create(request, pk: int):
    access = project_to_change(request, pk)
    form = StatusUpdateForm(
        request.POST or None,
        instance=StatusUpdate(project=access.project),
        initial={"reported_on": timezone.localdate()},
    )
    outcome = submit(
        request,
        form,
        lambda: services.log_status_update(update=form.save(commit=False), author=request.user),
    )
    if outcome.saved:
        return _saved(request, _("The status update was saved."), pk)
    return render_form(
        request, form, title=_("New status update"), access=access, submit=_("Save update")
    )


@login_required
@GET_POST
def phase_advance(request, pk: int):
    access = project_to_change(request, pk)
    phase = Phase.objects.filter(project=access.project, ended_on__isnull=True).first()
    form = GateDecisionForm(
        request.POST or None,
        phase=phase,
        initial={"decided_on": timezone.localdate(), "decided_by": _("Steering group")},
    )
    outcome = submit(
        request,
        form,
        lambda: services.advance_phase(
            project=access.project,
            decision=form.cleaned_data["decision"],
            decided_on=form.cleaned_data["decided_on"],
            decided_by=form.cleaned_data["decided_by"],
            rationale=form.cleaned_data["rationale"],
            conditions=form.cleaned_data["conditions"],
            author=request.user,
            expected_phase=form.expected_phase,
        ),
    )
    if outcome.saved:
        return _saved(request, _("The gate decision was recorded."), pk)
    return render_form(
        request,
        form,
        title=_("Gate decision"),
        access=access,
        submit=_("Record gate decision"),
        phase=phase,
        **outcome.extra,
        **_related(request, access, phase=phase.kind if phase else access.project.current_phase),
    )


@login_required
@GET_POST
def barrier_create(request, pk: int):
    access = project_to_change(request, pk)
    form = BarrierForm(
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
        _("The barrier was saved."),
        _related(request, access, phase=access.project.current_phase),
    )


@login_required
@GET_POST
def barrier_edit(request, pk: int, barrier_pk: int):
    barrier, access = selectors.get_record_for_user(
        request.user, Barrier, project_pk=pk, pk=barrier_pk
    )
    if not access.can_change:
        raise PermissionDenied
    form = BarrierForm(request.POST or None, instance=barrier)
    return _save_barrier(
        request,
        form,
        access,
        _("Edit barrier"),
        _("The barrier was saved."),
        _related(request, access, phase=barrier.phase, category=barrier.category),
    )


def _related(request, access, *, phase: str, category: str = "") -> dict:
    """Lessons other projects learned in this phase (and category), shown beside a form."""
    return {
        "related_lessons": selectors.related_lessons(
            request.user, project=access.project, phase=phase, category=category
        ),
        "related_phase": phase,
        "related_category": category,
    }


def _save_barrier(request, form, access, title, message, related):
    outcome = submit(
        request,
        form,
        lambda: services.record_barrier(
            barrier=form.save(commit=False),
            author=request.user,
            expected_version=form.expected_version,
        ),
    )
    if outcome.saved:
        return _saved(request, message, access.project.pk)
    return render_form(
        request,
        form,
        title=title,
        access=access,
        submit=_("Save barrier"),
        **related,
        **outcome.extra,
    )


@login_required
@GET_POST
def barrier_resolve(request, pk: int, barrier_pk: int):
    barrier, access = selectors.get_record_for_user(
        request.user, Barrier, project_pk=pk, pk=barrier_pk
    )
    if not access.can_change:
        raise PermissionDenied
    form = ResolveBarrierForm(
        request.POST or None,
        barrier=barrier,
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
        return _saved(request, _("The barrier was marked as resolved."), pk)
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


@login_required
@require_POST
def barrier_escalate(request, pk: int, barrier_pk: int):
    barrier, access = selectors.get_record_for_user(
        request.user, Barrier, project_pk=pk, pk=barrier_pk
    )
    if not access.can_change:
        raise PermissionDenied
    services.escalate_barrier(barrier=barrier)
    return _saved(request, _("The barrier was escalated to the agency."), pk)


@login_required
@GET_POST
def decision_create(request, pk: int):
    access = project_to_change(request, pk)
    form = DecisionForm(
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
    )
    if outcome.saved:
        return _saved(request, _("The decision was recorded."), pk)
    return render_form(
        request, form, title=_("New decision"), access=access, submit=_("Save decision")
    )


@login_required
@GET_POST
def lesson_create(request, pk: int):
    access = selectors.get_project_for_user(request.user, pk)
    if not access.can_add_lesson:
        raise PermissionDenied
    initial = {
        "learned_on": timezone.localdate(),
        "phase": access.project.current_phase,
        "visibility": LessonVisibility.PORTFOLIO,
    }
    source = _source_barrier(access, request.GET.get("barrier"))
    if source is not None:
        initial.update(
            barrier=source.pk,
            category=source.category,
            phase=source.phase,
            title=source.title,
            what_happened=source.description,
        )
    form = LessonForm(
        request.POST or None,
        project=access.project,
        instance=LessonLearned(project=access.project),
        initial=initial,
    )
    outcome = submit(
        request,
        form,
        lambda: services.record_lesson(lesson=form.save(commit=False), author=request.user),
    )
    if outcome.saved:
        return _saved(request, _("The lesson was saved."), pk)
    return render_form(
        request, form, title=_("New lesson learned"), access=access, submit=_("Save lesson")
    )


def _source_barrier(access, raw_pk: str | None) -> Barrier | None:
    """The barrier a lesson is being written from, if it belongs to this project."""
    if not raw_pk or not raw_pk.isdigit():
        return None
    return Barrier.objects.filter(project=access.project, pk=int(raw_pk)).first()
