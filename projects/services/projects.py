"""Writes on the project itself: creating, editing, archiving and its gate decisions."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.models import (
    Barrier,
    BarrierStatus,
    Decision,
    DecisionKind,
    GateDecision,
    OperationDecision,
    OperationDecisionKind,
    Organisation,
    Outcome,
    Participation,
    ParticipationKind,
    Phase,
    PhaseKind,
    Project,
    ProjectObligation,
    StopReason,
)
from projects.services.base import ConcurrentEditError, check_version, lock_project, save
from projects.services.notifications import notify_gate_decision

# What a coordinator says about each open barrier when the project closes.
BARRIER_RESOLVED, BARRIER_CLOSED, BARRIER_KEPT_OPEN = "resolved", "closed", "kept_open"


def set_participants(
    project: Project, partners: list[Organisation], adopters: list[Organisation] = ()
) -> None:
    """Make these the project's participating organisations: partners in the pilot and
    organisations that joined to adopt the solution."""
    project.participants.set(
        [*partners, *adopters], through_defaults={"kind": ParticipationKind.PARTNER}
    )
    wanted = {
        **{o.pk: ParticipationKind.PARTNER for o in partners},
        **{o.pk: ParticipationKind.ADOPTER for o in adopters},
    }
    for participation in Participation.objects.filter(project=project):
        if participation.kind != wanted[participation.organisation_id]:
            participation.kind = wanted[participation.organisation_id]
            participation.save(update_fields=["kind", "updated_at"])


@transaction.atomic
def create_project(
    *,
    project: Project,
    participants: list[Organisation],
    adopters: list[Organisation] = (),
    first_phase_on: date | None = None,
) -> Project:
    """Save a new project and open its first phase (clarification)."""
    project.outcome = Outcome.ONGOING
    save(project)
    set_participants(project, participants, adopters)
    started_on = first_phase_on or project.start_date or timezone.localdate()
    save(Phase(project=project, kind=PhaseKind.CLARIFICATION, started_on=started_on))
    project.refresh_from_db()
    return project


@transaction.atomic
def update_project(
    *,
    project: Project,
    participants: list[Organisation],
    adopters: list[Organisation] = (),
    expected_version: int,
    fields: list[str],
) -> Project:
    """Save the profile fields a form edited, if nobody saved the project since the form
    was opened; the phase, outcome and status are not the form's to change."""
    current = lock_project(project.pk)
    check_version(current, expected_version)
    for name in fields:
        setattr(current, name, getattr(project, name))
    save(current, update_fields=[*fields, "updated_at"])
    set_participants(current, participants, adopters)
    return current


@transaction.atomic
def set_archived(*, project: Project, archived: bool) -> Project:
    """Archive a project (hidden from lists, nothing deleted) or bring it back."""
    current = lock_project(project.pk)
    if current.archived != archived:
        current.archived = archived
        current.save(update_fields=["archived", "updated_at"])
    return current


def gate_decision_record(phase: Phase, *, author=None) -> Decision:
    """The decision-log entry of a gate decision (unsaved), for the services and the demo data
    alike. Stored in Danish, the language of the records, whoever's interface made it."""
    gate = GateDecision(phase.gate_decision)
    with translation.override("da"):
        title = _("Gate decision: %(phase)s – %(decision)s") % {
            "phase": PhaseKind(phase.kind).label,
            "decision": gate.label,
        }
    return Decision(
        project=phase.project,
        decided_on=phase.decided_on,
        title=title,
        description=phase.rationale,
        rationale=phase.conditions,
        decided_by=phase.decided_by,
        kind=DecisionKind.STOP if gate == GateDecision.STOP else DecisionKind.GATE,
        author=author,
    )


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
    closing_outcome: str = Outcome.STOPPED,
    closing_reason: str = "",
    closing_explanation: str = "",
    barrier_outcomes: dict[int, tuple[str, str]] | None = None,
    may_override_obligations: bool = False,
    override_reason: str = "",
) -> Phase:
    """Record the gate decision on the open phase. Go opens the next phase, stop ends the
    project (saying why, and what becomes of each open barrier), on hold keeps the phase
    open. Going into operation records the lead organisation's decision to run the solution,
    so it is not typed twice. Returns the phase that is open afterwards (or the one that was
    ended, if none is)."""
    current = lock_project(project.pk)
    phase = (
        Phase.objects.select_for_update(no_key=True)
        .filter(project=current, ended_on__isnull=True)
        .first()
    )
    if phase is None:
        raise ValidationError(_("The project has no open phase to decide on."))
    if expected_phase is not None and (phase.pk, phase.version) != expected_phase:
        raise ConcurrentEditError(phase)
    gate = GateDecision(decision)
    phase.project = current
    phase.gate_decision = gate
    phase.decided_on = decided_on
    phase.decided_by = decided_by
    phase.rationale = rationale
    phase.conditions = conditions if gate == GateDecision.GO_WITH_CONDITIONS else ""
    if gate.ends_phase:
        phase.ended_on = decided_on
    going_live = gate.ends_phase and gate != GateDecision.STOP
    if going_live and PhaseKind(phase.kind).next == PhaseKind.OPERATION:
        blocking = obligations_blocking_go_live(current)
        if blocking and not (may_override_obligations and override_reason.strip()):
            raise ValidationError(
                _(
                    "The project cannot go into operation while these AI Act obligations are "
                    "open: %(obligations)s. Mark each done, or not applicable with the reason; "
                    "an agency administrator can allow going on with a recorded reason."
                )
                % {"obligations": "; ".join(str(held.obligation) for held in blocking)}
            )
        if blocking:
            phase.obligations_override_reason = override_reason.strip()
            phase.obligations_overridden_by = author
    if gate == GateDecision.STOP:
        _close_barriers(current, barrier_outcomes or {}, closed_on=decided_on)
        if closing_outcome not in Outcome.closed_values():
            raise ValidationError({"closing_outcome": _("Choose how the project ends.")})
        if closing_reason not in StopReason.values:
            raise ValidationError({"closing_reason": _("Choose the main reason for stopping.")})
        if not closing_explanation.strip():
            raise ValidationError(
                {"closing_explanation": _("Explain why the solution is not put into operation.")}
            )
        _lead_decides_not_to(
            current,
            reason_category=closing_reason,
            reason=closing_explanation.strip(),
            decided_on=decided_on,
            decided_by=decided_by,
            author=author,
        )
        # Kept when the phases are read again: the stop itself says "stopped".
        Project.objects.filter(pk=current.pk).update(
            outcome=closing_outcome,
            closing_outcome=closing_outcome,
            closing_reason=closing_reason,
            outcome_note=closing_explanation.strip(),
        )
    save(phase)
    notify_gate_decision(phase, save(gate_decision_record(phase, author=author)), actor=author)
    next_kind = PhaseKind(phase.kind).next
    if gate.ends_phase and gate != GateDecision.STOP and next_kind is not None:
        phase = save(Phase(project=current, kind=next_kind, started_on=decided_on))
        if next_kind == PhaseKind.OPERATION:
            _lead_goes_live(current, decided_on=decided_on, decided_by=decided_by, author=author)
    project.refresh_from_db()
    return phase


def obligations_blocking_go_live(project: Project) -> list[ProjectObligation]:
    """The project's open AI Act obligations that are to be met before operation."""
    return [
        held
        for held in ProjectObligation.objects.open()
        .filter(project=project)
        .select_related("obligation")
        .order_by("due_on", "obligation__code")
        if held.obligation.before_operation
    ]


def _lead_decides_not_to(
    project: Project, *, reason_category, reason, decided_on, decided_by, author
):
    """A stop is the lead organisation's decision not to run the solution, for the stop's
    reason, unless the lead runs it already (then the stop ends the pilot, not its use)."""
    decision = (
        OperationDecision.objects.select_for_update(no_key=True)
        .filter(project=project, organisation_id=project.lead_organisation_id)
        .first()
    ) or OperationDecision(project=project, organisation_id=project.lead_organisation_id)
    if decision.decision == OperationDecisionKind.IN_OPERATION:
        return
    decision.decision = OperationDecisionKind.NOT_TO
    decision.decided_on = decided_on
    decision.decided_by = decided_by
    decision.reason_category = reason_category
    decision.reason = reason
    decision.author = author
    save(decision)


def _lead_goes_live(project: Project, *, decided_on: date, decided_by: str, author) -> None:
    """The gate decision that takes a project into operation is the lead organisation's
    decision to run it."""
    decision = (
        OperationDecision.objects.select_for_update(no_key=True)
        .filter(project=project, organisation_id=project.lead_organisation_id)
        .first()
    ) or OperationDecision(project=project, organisation_id=project.lead_organisation_id)
    if decision.decision == OperationDecisionKind.IN_OPERATION:
        return
    decision.decision = OperationDecisionKind.IN_OPERATION
    decision.decided_on = decided_on
    decision.decided_by = decided_by
    decision.reason = ""
    decision.author = author
    save(decision)


def _close_barriers(project: Project, outcomes: dict[int, tuple[str, str]], *, closed_on):
    """Apply what the coordinator said about each open barrier of a closing project."""
    barriers = list(Barrier.objects.open().select_for_update(no_key=True).filter(project=project))
    missing = [barrier.title for barrier in barriers if barrier.pk not in outcomes]
    if missing:
        raise ValidationError(
            _("Say what happens to each open barrier: %(titles)s.") % {"titles": ", ".join(missing)}
        )
    for barrier in barriers:
        action, text = outcomes[barrier.pk]
        text = text.strip()
        if action == BARRIER_RESOLVED:
            if not text:
                raise ValidationError(
                    _("Describe how “%(title)s” was resolved.") % {"title": barrier.title}
                )
            barrier.status, barrier.resolution, barrier.resolved_on = (
                BarrierStatus.RESOLVED,
                text,
                max(closed_on, barrier.identified_on),
            )
        elif action == BARRIER_CLOSED:
            barrier.status = BarrierStatus.CLOSED
            barrier.resolution = text or _("Closed with the project.")
            barrier.resolved_on = max(closed_on, barrier.identified_on)
        elif action == BARRIER_KEPT_OPEN:
            if not text:
                raise ValidationError(
                    _("Give the reason for keeping “%(title)s” open.") % {"title": barrier.title}
                )
            barrier.open_reason = text
        else:
            raise ValidationError(
                _("Choose what happens to “%(title)s”.") % {"title": barrier.title}
            )
        save(
            barrier,
            update_fields=["status", "resolution", "resolved_on", "open_reason", "updated_at"],
        )
