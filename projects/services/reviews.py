"""Review notes: the agency writes and closes them, the project answers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Project, ReviewNote
from projects.services.base import check_version, lock_project, lock_record, save
from projects.services.notifications import notify_answer, notify_follow_up


@transaction.atomic
def write_review_note(*, project: Project, kind: str, text: str, author) -> ReviewNote:
    """An agency reviewer's note or follow-up request on a project."""
    lock_project(project.pk)
    note = save(ReviewNote(project=project, kind=kind, text=text, author=author))
    notify_follow_up(note)
    return note


@transaction.atomic
def answer_review_note(*, note: ReviewNote, answer: str, user, expected_version: int) -> ReviewNote:
    current = lock_record(ReviewNote, note.pk, project_id=note.project_id)
    if current.closed_at is not None:
        raise ValidationError(_("The request has been closed and can no longer be answered."))
    check_version(current, expected_version)
    current.answer = answer
    current.answered_by = user
    current.answered_at = timezone.now()
    save(current, update_fields=["answer", "answered_by", "answered_at", "updated_at"])
    notify_answer(current)
    return current


@transaction.atomic
def close_review_note(*, note: ReviewNote, user) -> ReviewNote:
    """Close a note; closing it again changes nothing."""
    current = lock_record(ReviewNote, note.pk, project_id=note.project_id)
    if current.closed_at is None:
        current.closed_by = user
        current.closed_at = timezone.now()
        save(current, update_fields=["closed_by", "closed_at", "updated_at"])
    return current
