"""Writes on a project's records: status updates, barriers, decisions and lessons, and
withdrawing or restoring any of them."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.models import (
    Barrier,
    BarrierStatus,
    Decision,
    LessonLearned,
    Phase,
    StatusUpdate,
)
from projects.services.base import check_version, lock_project, lock_record, save
from projects.services.notifications import notify_escalation

# What escalating a barrier sets (and un-escalating clears).
ESCALATION_FIELDS = ["escalated", "escalated_on", "escalation_request", "escalated_by"]


@transaction.atomic
def log_status_update(*, update: StatusUpdate, author) -> StatusUpdate:
    """Add a dated status update; the history is never overwritten. An update cannot be
    dated before the phase the project is in began."""
    project = lock_project(update.project_id)
    update.project = project
    update.author = author
    phase = Phase.objects.filter(project=project, ended_on__isnull=True).first()
    if phase and update.reported_on and update.reported_on < phase.started_on:
        raise ValidationError(
            {
                "reported_on": _(
                    "The reporting date cannot be before the current phase began (%(date)s)."
                )
                % {"date": date_format(phase.started_on, "SHORT_DATE_FORMAT")}
            }
        )
    return save(update)


@transaction.atomic
def record_barrier(
    *,
    barrier: Barrier,
    author=None,
    expected_version: int | None = None,
    fields: list[str] | None = None,
) -> Barrier:
    """Create a barrier, or save the `fields` a form edited if nobody saved the barrier since
    the form was opened."""
    if barrier.pk is None:
        lock_project(barrier.project_id)
        barrier.author = author
        if barrier.escalated:
            barrier.escalated_by = author
        save(barrier)
        if barrier.escalated:
            notify_escalation(barrier, actor=author)
        return barrier
    current = lock_record(Barrier, barrier.pk, project_id=barrier.project_id)
    check_version(current, expected_version)
    was_escalated = current.escalated
    for name in fields:
        setattr(current, name, getattr(barrier, name))
    if current.escalated and not was_escalated:
        current.escalated_by, current.escalated_on = author, None  # escalated now, by them
    save(current, update_fields=[*fields, *ESCALATION_FIELDS, "updated_at"])
    if current.escalated and not was_escalated:
        notify_escalation(current, actor=author)
    return current


@transaction.atomic
def resolve_barrier(
    *, barrier: Barrier, resolution: str, resolved_on: date, expected_version: int
) -> Barrier:
    current = lock_record(Barrier, barrier.pk, project_id=barrier.project_id)
    check_version(current, expected_version)
    current.status = BarrierStatus.RESOLVED
    current.resolution = resolution
    current.resolved_on = resolved_on
    return save(current, update_fields=["status", "resolution", "resolved_on", "updated_at"])


@transaction.atomic
def escalate_barrier(*, barrier: Barrier, request: str, user) -> Barrier:
    """Ask the agency for help with an open barrier, saying what it is asked to do. A barrier
    escalated already keeps the request it was escalated with: escalating twice (a form sent
    again, two colleagues at once) changes nothing."""
    current = lock_record(Barrier, barrier.pk, project_id=barrier.project_id)
    if current.escalated:
        return current
    if current.status not in BarrierStatus.open_values():
        raise ValidationError(_("Only an open barrier can be escalated to the agency."))
    current.escalated = True
    current.escalated_on = timezone.localdate()
    current.escalation_request = request.strip()
    current.escalated_by = user
    save(current, update_fields=[*ESCALATION_FIELDS, "updated_at"])
    notify_escalation(current, actor=user)
    return current


@transaction.atomic
def record_decision(
    *,
    decision: Decision,
    barriers: list[Barrier],
    author=None,
    resolves_barriers: bool = False,
) -> Decision:
    """Record a decision and the barriers it concerns. A decision that resolves them marks
    each as resolved on the decision's date, with what was decided as the resolution, so
    that it is not typed twice; all of it is saved, or none."""
    lock_project(decision.project_id)
    decision.check_barriers(barriers)
    if decision.pk is None:
        decision.author = author
    save(decision)
    decision.barriers.set(barriers)
    if resolves_barriers:
        _resolve_by_decision(decision, barriers)
    return decision


def _resolve_by_decision(decision: Decision, barriers: list[Barrier]) -> None:
    if not barriers:
        raise ValidationError({"resolves_barrier": _("Choose the barrier the decision resolves.")})
    resolution_field = Barrier._meta.get_field("resolution")
    for barrier in barriers:
        current = lock_record(Barrier, barrier.pk, project_id=decision.project_id)
        if current.status not in BarrierStatus.open_values():
            raise ValidationError(
                {
                    "resolves_barrier": _(
                        "“%(title)s” is %(status)s already. Choose only open barriers, or "
                        "untick “This decision resolves the barrier”."
                    )
                    % {"title": current.title, "status": current.get_status_display().lower()}
                }
            )
        if current.identified_on and decision.decided_on < current.identified_on:
            raise ValidationError(
                {
                    "decided_on": _(
                        "“%(title)s” was identified on %(date)s: a decision before that "
                        "cannot resolve it."
                    )
                    % {
                        "title": current.title,
                        "date": date_format(current.identified_on, "SHORT_DATE_FORMAT"),
                    }
                }
            )
        try:
            resolution_field.run_validators(decision.description)
        except ValidationError as error:
            raise ValidationError(
                {
                    "description": [
                        _("What was decided becomes the barrier's resolution: %(error)s")
                        % {"error": message}
                        for message in error.messages
                    ]
                }
            ) from error
        current.status = BarrierStatus.RESOLVED
        current.resolution = decision.description
        current.resolved_on = decision.decided_on
        save(current, update_fields=["status", "resolution", "resolved_on", "updated_at"])


@transaction.atomic
def record_lesson(*, lesson: LessonLearned, author=None) -> LessonLearned:
    lock_project(lesson.project_id)
    if lesson.pk is None:
        lesson.author = author
    return save(lesson)


@transaction.atomic
def withdraw_entry(*, entry, user):
    """Withdraw a log entry: it leaves every page and count but keeps its history."""
    current = lock_record(type(entry), entry.pk, project_id=entry.project_id)
    if current.withdrawn_at is None:
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = user
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    return current


@transaction.atomic
def restore_entry(*, entry):
    """Bring a withdrawn entry back; the change history shows who did it and when."""
    current = lock_record(type(entry), entry.pk, project_id=entry.project_id)
    if current.withdrawn_at is not None:
        current.withdrawn_at = None
        current.withdrawn_by = None
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    return current
