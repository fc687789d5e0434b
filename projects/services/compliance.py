"""Writes on a project's compliance: how far it has met its AI Act obligations, and the
profile they follow from.

The obligations themselves are derived from the profile by the models (`derive_obligations`),
whichever path a write takes; these services record what the project did about them."""

from dataclasses import dataclass

from django.db import transaction

from projects.models import Obligation, Organisation, Project, ProjectObligation
from projects.selectors.compliance import article_order
from projects.services.base import check_version, lock_project, lock_record, save
from projects.services.projects import update_project


@transaction.atomic
def update_obligation(
    *, obligation: ProjectObligation, expected_version: int | None, fields: list[str]
) -> ProjectObligation:
    """Save the `fields` a form edited on one of the project's obligations, if nobody saved
    it since the form was opened. A superseded obligation may still be edited: what was done
    is kept should it apply again."""
    current = lock_record(ProjectObligation, obligation.pk, project_id=obligation.project_id)
    check_version(current, expected_version)
    for name in fields:
        setattr(current, name, getattr(obligation, name))
    return save(current, update_fields=[*fields, "updated_at"])


@dataclass(frozen=True)
class ObligationChanges:
    """What a change of the profile did to the project's obligations."""

    added: list[Obligation]  # new, or applying again after being superseded
    superseded: list[Obligation]


def _current_obligations(project_id: int) -> dict[int, Obligation]:
    return {
        held.obligation_id: held.obligation
        for held in ProjectObligation.objects.current()
        .filter(project_id=project_id)
        .select_related("obligation")
    }


@transaction.atomic
def update_profile(
    *,
    project: Project,
    participants: list[Organisation],
    adopters: list[Organisation] = (),
    expected_version: int,
    fields: list[str],
) -> tuple[Project, ObligationChanges]:
    """Save the project's profile (`update_project`) and say which AI Act obligations the
    new profile added and which it superseded."""
    lock_project(project.pk)
    before = _current_obligations(project.pk)
    current = update_project(
        project=project,
        participants=participants,
        adopters=adopters,
        expected_version=expected_version,
        fields=fields,
    )
    after = _current_obligations(project.pk)

    def ordered(obligations):
        return sorted(obligations, key=article_order)

    return current, ObligationChanges(
        added=ordered(after[pk] for pk in after.keys() - before.keys()),
        superseded=ordered(before[pk] for pk in before.keys() - after.keys()),
    )
