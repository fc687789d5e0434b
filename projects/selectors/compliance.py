"""A project's compliance as its page shows it: the AI Act obligations its profile implies
(and those it no longer has), the DPIA and the fundamental-rights impact assessment. One
query, however many obligations there are."""

import re
from dataclasses import dataclass

from projects.access import ProjectAccess
from projects.models import Obligation, PhaseKind, ProjectObligation

FRIA_CODE = "art27-fria"


def article_order(obligation: Obligation) -> tuple:
    """Sorts by article as the regulation numbers them: art. 4, art. 26(2), art. 26(11)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", obligation.article)
        if part
    )


def blocking_order(held: ProjectObligation) -> tuple:
    """The order of a project's obligations in a list: by due date, then article."""
    return (held.due_on, article_order(held.obligation))


@dataclass(frozen=True)
class Compliance:
    # What the profile implies now, by due date; then those superseded by a profile change.
    current: list[ProjectObligation]
    superseded: list[ProjectObligation]
    # The fundamental-rights impact assessment, when the profile implies one.
    fria: ProjectObligation | None

    @property
    def open_count(self) -> int:
        return sum(1 for held in self.current if held.is_open)

    @property
    def overdue_count(self) -> int:
        return sum(1 for held in self.current if held.is_overdue)


def project_compliance(access: ProjectAccess) -> Compliance:
    project = access.project
    held = sorted(
        ProjectObligation.objects.filter(project=project).select_related("obligation"),
        # By due date, then in the order of the phases they belong to.
        key=lambda row: (
            row.due_on,
            PhaseKind(row.obligation.phase).order,
            article_order(row.obligation),
        ),
    )
    current, superseded = [], []
    for row in held:
        row.project = project  # loaded already; spares a query per row
        (superseded if row.superseded_on else current).append(row)
    superseded.sort(key=lambda row: article_order(row.obligation))
    superseded.sort(key=lambda row: row.superseded_on, reverse=True)
    fria = next((row for row in current if row.obligation.code == FRIA_CODE), None)
    return Compliance(current=current, superseded=superseded, fria=fria)
