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
        return save(barrier)
    current = lock_record(Barrier, barrier.pk, project_id=barrier.project_id)
    check_version(current, expected_version)
    for name in fields:
        setattr(current, name, getattr(barrier, name))
    return save(current, update_fields=[*fields, "escalated_on", "updated_at"])


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
def escalate_barrier(*, barrier: Barrier) -> Barrier:
    """Ask the agency for help with a barrier; escalating twice changes nothing."""
    current = lock_record(Barrier, barrier.pk, project_id=barrier.project_id)
    if not current.escalated:
        current.escalated = True
        current.escalated_on = timezone.localdate()
        save(current, update_fields=["escalated", "escalated_on", "updated_at"])
    return current


@transaction.atomic
def record_decision(*, decision: Decision, barriers: list[Barrier], author=None) -> Decision:
    lock_project(decision.project_id)
    decision.check_barriers(barriers)
    if decision.pk is None:
        decision.author = author
    save(decision)
    decision.barriers.set(barriers)
    return decision


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
