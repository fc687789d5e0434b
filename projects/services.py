"""Writes. Each service validates, saves in one transaction and keeps the project's
denormalised current phase and status in step with its history."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.cache import portfolio_changed
from projects.models import (
    Barrier,
    BarrierStatus,
    Decision,
    DecisionKind,
    GateDecision,
    LessonLearned,
    Organisation,
    Outcome,
    Phase,
    PhaseKind,
    Project,
    ReviewNote,
    StatusUpdate,
)

# Reaching these phases is what the programme counts as an outcome.
_OUTCOME_ON_ENTRY = {PhaseKind.OPERATION: Outcome.IN_OPERATION, PhaseKind.SCALING: Outcome.SCALED}


class ConcurrentEditError(Exception):
    """Someone else saved the record after the form was opened."""

    def __init__(self, current):
        super().__init__(f"{type(current).__name__} {current.pk} changed meanwhile")
        self.current = current


def _save(instance, **kwargs):
    instance.full_clean()
    instance.save(**kwargs)
    return instance


def _save_versioned(instance, *, expected_version: int, **kwargs):
    """Save only if the stored version is still the one the form was opened at; the row is
    locked until the transaction ends, so two saves cannot both pass the check."""
    model = type(instance)
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(current)
    instance.version = current.version + 1
    return _save(instance, **kwargs)


@transaction.atomic
def create_project(
    *, project: Project, participants: list[Organisation], first_phase_on: date | None = None
) -> Project:
    """Save a new project and open its first phase (clarification)."""
    project.current_phase = PhaseKind.CLARIFICATION
    _save(project)
    project.participants.set(participants)
    started_on = first_phase_on or project.start_date or timezone.localdate()
    _save(Phase(project=project, kind=PhaseKind.CLARIFICATION, started_on=started_on))
    return project


@transaction.atomic
def update_project(
    *, project: Project, participants: list[Organisation], expected_version: int
) -> Project:
    _save_versioned(project, expected_version=expected_version)
    project.participants.set(participants)
    return project


@transaction.atomic
def set_archived(*, project: Project, archived: bool) -> Project:
    """Archive a project (hidden from lists, nothing deleted) or bring it back."""
    project.archived = archived
    project.version += 1
    project.save(update_fields=["archived", "version", "updated_at"])
    return project


def refresh_project_status(project: Project) -> None:
    """Set the project's current status (and whether it asks for help) from its latest
    status update."""
    latest = (
        StatusUpdate.objects.filter(project=project)
        .order_by("-reported_on", "-id")
        .values("overall_status", "reported_on", "help_needed")
        .first()
    )
    project.current_status = latest["overall_status"] if latest else ""
    project.last_status_on = latest["reported_on"] if latest else None
    project.help_requested = latest["help_needed"] if latest else False
    # A queryset update sends no signal: tell the portfolio cache ourselves.
    portfolio_changed()
    Project.objects.filter(pk=project.pk).update(
        current_status=project.current_status,
        last_status_on=project.last_status_on,
        help_requested=project.help_requested,
        updated_at=timezone.now(),
    )


@transaction.atomic
def log_status_update(*, update: StatusUpdate, author) -> StatusUpdate:
    """Add a dated status update; the history is never overwritten."""
    update.author = author
    if not update.help_needed:
        update.help_text = ""
    _save(update)
    refresh_project_status(update.project)
    return update


@transaction.atomic
def advance_phase(
    *,
    project: Project,
    decision: str,
    decided_on: date,
    decided_by: str,
    rationale: str,
    conditions: str = "",
    author,
    expected_phase: tuple[int, int] | None = None,
) -> Phase:
    """Record the gate decision on the open phase. Go opens the next phase, stop ends the
    project, on hold keeps the phase open. Returns the phase that is open afterwards (or the
    one that was ended, if none is)."""
    phase = Phase.objects.select_for_update().filter(project=project, ended_on__isnull=True).first()
    if phase is None:
        raise ValidationError(_("The project has no open phase to decide on."))
    if expected_phase is not None and (phase.pk, phase.version) != expected_phase:
        raise ConcurrentEditError(phase)
    if decided_on < phase.started_on:
        raise ValidationError(
            {
                "decided_on": _("The decision cannot be dated before the phase started (%(date)s).")
                % {"date": date_format(phase.started_on, "SHORT_DATE_FORMAT")}
            }
        )
    gate = GateDecision(decision)
    kind = PhaseKind(phase.kind)
    next_kind = kind.next
    phase.gate_decision = gate
    phase.decided_on = decided_on
    phase.decided_by = decided_by
    phase.rationale = rationale
    phase.conditions = conditions if gate == GateDecision.GO_WITH_CONDITIONS else ""
    if gate.ends_phase:
        phase.ended_on = decided_on
    phase.version += 1
    _save(phase)

    _save(
        Decision(
            project=project,
            decided_on=decided_on,
            title=_("Gate decision: %(phase)s – %(decision)s")
            % {"phase": kind.label, "decision": gate.label},
            description=rationale,
            rationale=conditions,
            decided_by=decided_by,
            kind=DecisionKind.STOP if gate == GateDecision.STOP else DecisionKind.GATE,
            author=author,
        )
    )

    # The project's phase and outcome change too: lock it and move its version on, so that
    # a profile form opened before the decision cannot put the old outcome back.
    locked = Project.objects.select_for_update().get(pk=project.pk)
    current = phase
    if gate == GateDecision.STOP:
        locked.outcome = Outcome.STOPPED
    elif gate.ends_phase and next_kind is not None:
        current = _save(Phase(project=project, kind=next_kind, started_on=decided_on))
        locked.current_phase = next_kind
        if next_kind in _OUTCOME_ON_ENTRY:
            locked.outcome = _OUTCOME_ON_ENTRY[next_kind]
    locked.version += 1
    locked.save(update_fields=["current_phase", "outcome", "version", "updated_at"])
    project.current_phase, project.outcome, project.version = (
        locked.current_phase,
        locked.outcome,
        locked.version,
    )
    return current


@transaction.atomic
def record_barrier(
    *, barrier: Barrier, author=None, expected_version: int | None = None
) -> Barrier:
    """Create a barrier, or save an edit of one (given the version the form was opened at)."""
    if barrier.status == BarrierStatus.RESOLVED and not barrier.resolution.strip():
        raise ValidationError({"resolution": _("Describe how the barrier was resolved.")})
    if barrier.escalated and barrier.escalated_on is None:
        barrier.escalated_on = timezone.localdate()
    if barrier.pk is None:
        barrier.author = author
        return _save(barrier)
    return _save_versioned(barrier, expected_version=expected_version)


@transaction.atomic
def resolve_barrier(
    *, barrier: Barrier, resolution: str, resolved_on: date, expected_version: int
) -> Barrier:
    if not resolution.strip():
        raise ValidationError({"resolution": _("Describe how the barrier was resolved.")})
    barrier.status = BarrierStatus.RESOLVED
    barrier.resolution = resolution
    barrier.resolved_on = resolved_on
    return _save_versioned(barrier, expected_version=expected_version)


@transaction.atomic
def escalate_barrier(*, barrier: Barrier) -> Barrier:
    """Ask the agency for help with a barrier; escalating twice changes nothing."""
    if not barrier.escalated:
        barrier.escalated = True
        barrier.escalated_on = timezone.localdate()
        barrier.version += 1
        _save(barrier)
    return barrier


@transaction.atomic
def withdraw_entry(*, entry, user):
    """Withdraw a log entry: it leaves every page and count but keeps its history."""
    if entry.withdrawn_at is None:
        entry.withdrawn_at = timezone.now()
        entry.withdrawn_by = user
        entry.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
        if isinstance(entry, StatusUpdate):
            refresh_project_status(entry.project)
    return entry


@transaction.atomic
def record_decision(*, decision: Decision, barriers: list[Barrier], author=None) -> Decision:
    if any(barrier.project_id != decision.project_id for barrier in barriers):
        raise ValidationError({"barriers": _("Choose barriers of this project only.")})
    if decision.pk is None:
        decision.author = author
    _save(decision)
    decision.barriers.set(barriers)
    return decision


@transaction.atomic
def record_lesson(*, lesson: LessonLearned, author=None) -> LessonLearned:
    if lesson.barrier_id and lesson.barrier.project_id != lesson.project_id:
        raise ValidationError({"barrier": _("Choose a barrier of this project only.")})
    if lesson.pk is None:
        lesson.author = author
    return _save(lesson)


@transaction.atomic
def write_review_note(*, project: Project, kind: str, text: str, author) -> ReviewNote:
    """An agency reviewer's note or follow-up request on a project."""
    return _save(ReviewNote(project=project, kind=kind, text=text, author=author))


@transaction.atomic
def answer_review_note(*, note: ReviewNote, answer: str, user, expected_version: int) -> ReviewNote:
    if note.closed_at is not None:
        raise ValidationError(_("The request has been closed and can no longer be answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write an answer.")})
    note.answer = answer
    note.answered_by = user
    note.answered_at = timezone.now()
    return _save_versioned(note, expected_version=expected_version)


@transaction.atomic
def close_review_note(*, note: ReviewNote, user) -> ReviewNote:
    """Close a note; closing it again changes nothing."""
    if note.closed_at is None:
        note.closed_by = user
        note.closed_at = timezone.now()
        note.version += 1
        _save(note)
    return note
