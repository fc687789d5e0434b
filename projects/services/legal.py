"""Writes on legal questions: a project raises a question (from a barrier or on its own),
records the answer it got, shares an answer with the whole programme, or marks a question
as no longer relevant. Questions are never deleted from the ordinary interface."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Barrier, LegalQuestion
from projects.services.base import check_version, lock_project, lock_record, save


def _barrier_of_the_project(question: LegalQuestion) -> None:
    """A question is raised from one of the same project's barriers, not a withdrawn one."""
    if (
        question.barrier_id
        and not Barrier.objects.filter(
            pk=question.barrier_id, project_id=question.project_id
        ).exists()
    ):
        raise ValidationError({"barrier": _("Choose one of the project's barriers.")})


@transaction.atomic
def raise_legal_question(*, question: LegalQuestion, author) -> LegalQuestion:
    """Record a new legal question of a project, raised by `author`; the answer is recorded
    on it when it comes."""
    lock_project(question.project_id)
    _barrier_of_the_project(question)
    question.author = author
    return save(question)


@transaction.atomic
def update_legal_question(
    *, question: LegalQuestion, expected_version: int | None, fields: list[str]
) -> LegalQuestion:
    """Save the `fields` a form changed on a question, if nobody saved it since the form was
    opened. Answering sets the status "answered" with the answer, its date and its source;
    only then may the answer be shared with the whole programme (the model refuses sharing
    anything else). Marking it "no longer relevant" closes a question nobody will answer."""
    current = lock_record(LegalQuestion, question.pk, project_id=question.project_id)
    check_version(current, expected_version)
    barrier_before = current.barrier_id
    for name in fields:
        setattr(current, name, getattr(question, name))
    if current.barrier_id != barrier_before:
        _barrier_of_the_project(current)
    return save(current, update_fields=[*fields, "updated_at"])
