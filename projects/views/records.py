"""Forms that add to a project's records: status updates, gate decisions, barriers,
decisions and lessons learned."""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects import forms as project_forms
from projects import services
from projects.access import project_permission
from projects.models import (
    Barrier,
    BarrierCategory,
    Decision,
    LessonLearned,
    LessonVisibility,
    Outcome,
    Phase,
    PhaseKind,
    StatusUpdate,
)
from projects.record_kinds import anchor_of
from projects.selectors.compliance import blocking_order
from projects.selectors.legal import areas_for_barrier, related_legal_answers
from projects.selectors.timeline import related_lessons
from projects.views.common import render_form, submit


def _saved(request, message: str, project_pk: int):
    messages.success(request, message)
    return redirect("project_detail", pk=project_pk)


def record_url(record) -> str:
    """Where a saved record is shown: its entry on the project page, with the longest
    timeline the page shows (a record dated back may be older than the newest entries)."""
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
    # A go from implementation opens operation: the AI Act obligations to be met before it
    # are shown, and an agency administrator may let the project go on with them open.
    blocking = None
    if phase is not None and PhaseKind(phase.kind).next == PhaseKind.OPERATION:
        blocking = sorted(services.obligations_blocking_go_live(project), key=blocking_order)
    may_override = bool(blocking) and access.can_archive
    form = project_forms.GateDecisionForm(
        request.POST or None,
        phase=phase,
        open_barriers=list(Barrier.objects.open().filter(project=project)),
        may_override_obligations=may_override,
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
            may_override_obligations=access.can_archive,
            override_reason=form.override_reason,
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
        blocking_obligations=blocking,
        may_override_obligations=may_override,
        **outcome.extra,
        **_related(request, access, phase=phase.kind if phase else project.current_phase),
    )


@project_permission("change")
def barrier_create(request, access):
    """Record a barrier; `?category=<category>` chooses its category beforehand, so the
    legal answers shared in that area are offered beside the form."""
    category = _barrier_category(request, request.GET.get("category", ""))
    form = project_forms.BarrierForm(
        request.POST or None,
        instance=Barrier(project=access.project),
        initial={
            "identified_on": timezone.localdate(),
            "phase": access.project.current_phase,
            **({"category": category} if category else {}),
        },
    )
    return _save_barrier(
        request,
        form,
        access,
        _("New barrier"),
        {
            **_related(request, access, phase=access.project.current_phase),
            **_related_legal_answers(request, access, category=category),
        },
    )


@project_permission("change", record=Barrier)
def barrier_edit(request, access, record):
    form = project_forms.BarrierForm(request.POST or None, instance=record)
    return _save_barrier(
        request,
        form,
        access,
        _("Edit barrier"),
        {
            **_related(request, access, phase=record.phase, category=record.category),
            **_related_legal_answers(
                request, access, category=_barrier_category(request, record.category)
            ),
        },
    )


def _barrier_category(request, default: str) -> str:
    """The barrier category posted with the form, else `default` (if it is one)."""
    category = request.POST.get("category", default) if request.method == "POST" else default
    return category if category in BarrierCategory.values else ""


def _related_legal_answers(request, access, *, category: str) -> dict:
    """Legal answers other projects shared in the legal areas of the barrier's category,
    shown beside the barrier form (for the category the form was opened or sent with)."""
    areas = areas_for_barrier(category)
    return {
        "related_legal_answers": related_legal_answers(
            request.user, project=access.project, category=category
        ),
        "related_legal_category": category,
        "related_legal_query": urlencode([("legal_area", area) for area in areas]),
    }


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


@project_permission("change", record=Barrier)
def barrier_escalate(request, access, record):
    """Ask the agency for help with an open barrier, saying what it is asked to do."""
    barrier = record
    if barrier.escalated:
        messages.info(
            request,
            _("The barrier was escalated to the agency on %(date)s.")
            % {"date": date_format(barrier.escalated_on, "SHORT_DATE_FORMAT")},
        )
        return redirect(record_url(barrier))
    form = project_forms.EscalateBarrierForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda: services.escalate_barrier(
            barrier=barrier,
            request=form.cleaned_data["escalation_request"],
            user=request.user,
        ),
    )
    if outcome.saved:
        return _saved(request, _("The barrier was escalated to the agency."), access.project.pk)
    return render_form(
        request,
        form,
        title=_("Escalate to the agency: %(title)s") % {"title": barrier.title},
        access=access,
        submit=_("Escalate to the agency"),
        barrier=barrier,
        **outcome.extra,
    )


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
            resolves_barriers=form.cleaned_data["resolves_barrier"],
        ),
        saved_url=record_url,
    )
    if outcome.saved:
        if form.cleaned_data["resolves_barrier"]:
            return _saved(
                request,
                _("The decision was recorded, and the barrier it resolves is marked as resolved."),
                access.project.pk,
            )
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
