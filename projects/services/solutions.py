"""Writes on the catalogue of reusable solutions and on their adoptions. Each is one
transaction that locks the solution row first, then the adoption it changes."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.access import projects_changeable_by
from projects.models import Adoption, LessonLearned, Solution
from projects.services.base import check_version, save
from projects.services.notifications import notify_adoption_interest


def lock_solution(solution_id: int) -> Solution:
    """Lock the solution for the rest of the transaction and return it as stored now."""
    return Solution.objects.select_for_update(no_key=True).get(pk=solution_id)


def _links(current: set[int], chosen: set[int], allowed: set[int], field: str, message: str):
    """The links after an edit: the editor sets those they may link, and the links they may
    not see or change (another organisation's project) stay as they are."""
    refused = chosen - allowed
    if refused:
        raise ValidationError({field: message})
    return chosen | (current - allowed)


def _set_links(solution: Solution, *, editor, projects, lessons) -> None:
    if projects is not None:
        chosen = {project.pk for project in projects}
        current = set(solution.projects.values_list("pk", flat=True))
        allowed = set(
            projects_changeable_by(editor)
            .filter(pk__in=chosen | current)
            .values_list("pk", flat=True)
        )
        solution.projects.set(
            _links(
                current,
                chosen,
                allowed,
                "projects",
                _("Only projects you may change can be linked to the solution."),
            )
        )
    if lessons is not None:
        chosen = {lesson.pk for lesson in lessons}
        current = set(solution.lessons.values_list("pk", flat=True))
        # As the form offers them: the lessons of the projects the editor may change. A
        # lesson of another project (shared with the portfolio, say) is neither linked nor
        # unlinked by them.
        allowed = set(
            LessonLearned.objects.filter(
                project__in=projects_changeable_by(editor).values("pk"), pk__in=chosen | current
            ).values_list("pk", flat=True)
        )
        solution.lessons.set(
            _links(
                current,
                chosen,
                allowed,
                "lessons",
                _("Only lessons you may read can be linked to the solution."),
            )
        )


@transaction.atomic
def create_solution(*, solution: Solution, editor, projects=(), lessons=()) -> Solution:
    """Add a solution to the catalogue with the projects it came out of and its lessons."""
    save(solution)
    _set_links(solution, editor=editor, projects=projects, lessons=lessons)
    return solution


@transaction.atomic
def update_solution(
    *,
    solution: Solution,
    editor,
    expected_version: int | None,
    fields: list[str],
    projects=None,
    lessons=None,
) -> Solution:
    """Save the `fields` a form edited, and its links, if nobody saved the solution since
    the form was opened. Links the editor may not change are kept."""
    current = lock_solution(solution.pk)
    check_version(current, expected_version)
    for name in fields:
        setattr(current, name, getattr(solution, name))
    save(current, update_fields=[*fields, "updated_at"])
    _set_links(current, editor=editor, projects=projects, lessons=lessons)
    return current


@transaction.atomic
def record_adoption(*, adoption: Adoption, recorded_by) -> Adoption:
    """Record that an organisation takes up a solution (interest, or a later stage it has
    reached already). The owner organisation is told on its pages until it has seen it."""
    lock_solution(adoption.solution_id)
    adoption.recorded_by = recorded_by
    adoption.owner_seen_at = None
    try:
        with transaction.atomic():
            save(adoption)
    except IntegrityError:
        # Recorded by someone else at this moment: the one-open-adoption rule holds.
        raise ValidationError(
            {
                "organisation": _(
                    "The organisation has an open adoption of this solution already: "
                    "record its next stage there."
                )
            }
        ) from None
    notify_adoption_interest(adoption)
    return adoption


@transaction.atomic
def record_adoption_stage(
    *, adoption: Adoption, recorded_by, expected_version: int | None, fields: list[str]
) -> Adoption:
    """Move an adoption to a new stage (or correct its note and contact), if nobody saved
    it since the form was opened; each stage reached is kept with its date."""
    lock_solution(adoption.solution_id)
    current = (
        Adoption.objects.select_for_update(no_key=True)
        .select_related("solution")
        .get(pk=adoption.pk, solution_id=adoption.solution_id)
    )
    check_version(current, expected_version)
    stored_stage = current.stage
    for name in fields:
        setattr(current, name, getattr(adoption, name))
    if current.stage == stored_stage and "stage_since" in fields:
        # The date belongs to the stage as it was reached; an unchanged stage keeps it.
        current.stage_since = Adoption.objects.get(pk=current.pk).stage_since
    current.recorded_by = recorded_by
    return save(current, update_fields=[*fields, "recorded_by", "updated_at"])


def acknowledge_adoption_interest(*, solution: Solution) -> int:
    """Mark every adoption of the solution the owner has not seen yet as seen."""
    return Adoption.objects.filter(solution=solution, owner_seen_at__isnull=True).update(
        owner_seen_at=timezone.now()
    )
