"""Builds a plausible project history in memory, for bulk insertion by the seed command."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from projects.models import (
    Barrier,
    BarrierStatus,
    Decision,
    DecisionKind,
    GateDecision,
    LessonLearned,
    LessonVisibility,
    Outcome,
    Phase,
    PhaseKind,
    Project,
    StatusUpdate,
    StopReason,
    TrafficLight,
)
from projects.services import gate_decision_record

from .catalogue import DemoBarrier, DemoLesson

TERMINAL_OUTCOMES = {Outcome.CLOSED, Outcome.STOPPED}
STEERING_GROUP = "Styregruppen"

PROGRESS_TEXTS = [
    "Arbejdet skrider frem efter planen.",
    "Datagrundlaget er gennemgået med fagområdet.",
    "Afprøvning med udvalgte medarbejdere er i gang.",
    "Modellen er forbedret på baggrund af tilbagemeldinger.",
    "Styregruppen er orienteret om fremdrift og risici.",
    "Workshop med brugerne afholdt; ønsker til forbedringer er samlet.",
    "Konsekvensanalysen er opdateret.",
    "Gevinstmålingen er forberedt.",
]
NEXT_STEPS = [
    "Forberede næste styregruppemøde.",
    "Afslutte test af integrationen.",
    "Indsamle data til gevinstrealisering.",
    "Afklare spørgsmål med juristen.",
    "Planlægge oplæring af medarbejdere.",
]
HELP_TEXTS = [
    "Vi ønsker sparring om hjemmelsgrundlaget.",
    "Vi har brug for hjælp til at tolke AI-forordningen.",
    "Vi søger erfaringer fra andre kommuner med samme leverandør.",
]
GATE_RATIONALES = {
    PhaseKind.CLARIFICATION: "Problem, data og hjemmel er tilstrækkeligt afklaret.",
    PhaseKind.DEVELOPMENT: "Modellen er god nok til at blive afprøvet på rigtige sager.",
    PhaseKind.TRIAL: "Afprøvningen viste værdi, og driften er juridisk afklaret.",
    PhaseKind.IMPLEMENTATION: "Organisationen er klar til at bruge løsningen i hverdagen.",
    PhaseKind.OPERATION: "Gevinsterne er realiseret; løsningen kan udbredes.",
    PhaseKind.SCALING: "Udbredelsen er gennemført.",
}
# Why the steering group stopped at the gate, by the main reason for closing. The project's
# outcome note says what became of it; repeating that note as the gate's rationale would show
# the same sentence in the timeline, the phases and the outcome.
STOP_RATIONALES = {
    StopReason.NO_LEGAL_BASIS: "Uden hjemmel til drift kan løsningen ikke tages i brug; "
    "styregruppen afslutter projektet frem for at vente på en lovændring.",
    StopReason.DATA_PROTECTION: "Databeskyttelsen kan ikke sikres i drift uden en ny "
    "konsekvensanalyse og væsentlige ændringer af løsningen.",
    StopReason.DATA: "Datagrundlaget kan ikke forbedres nok inden for projektets tid og budget.",
    StopReason.REGULATION: "Kravene til dokumentation og godkendelse ligger uden for, hvad "
    "projektet kan løfte.",
    StopReason.BUSINESS_CASE: "Gevinsterne står ikke mål med, hvad drift og vedligehold koster.",
    StopReason.SUPPLIER: "Licens- og leverandørvilkårene for drift kan ikke accepteres.",
    StopReason.CAPACITY: "Organisationen har ikke folk til at drive og forvalte løsningen.",
    StopReason.INTEGRATION: "Integrationen med fagsystemet kan ikke gennemføres i projektets "
    "ramme.",
    StopReason.OTHER: "Styregruppen har vurderet projektets muligheder og afslutter det ved "
    "fasens udgang.",
}


@dataclass
class Timeline:
    phases: list[Phase] = field(default_factory=list)
    updates: list[StatusUpdate] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    barriers: list[Barrier] = field(default_factory=list)
    lessons: list[LessonLearned] = field(default_factory=list)
    # (decision, barrier) pairs to link once both have ids
    decision_barriers: list[tuple[Decision, Barrier]] = field(default_factory=list)


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def build_timeline(
    project: Project,
    *,
    rng: random.Random,
    today: date,
    reached: PhaseKind,
    on_hold: bool,
    update_count: int,
    barriers: list[DemoBarrier],
    lessons: list[DemoLesson],
    author,
    help_text: str = "",
) -> Timeline:
    """Phases up to `reached`, gate decisions, status updates, barriers and lessons for a
    project whose `start_date` and `outcome` are set; also sets the project's denormalised
    current phase and status."""
    timeline = Timeline()
    kinds = list(PhaseKind)[: list(PhaseKind).index(reached) + 1]
    start = project.start_date
    terminal = project.outcome in TERMINAL_OUTCOMES
    span = max((today - start).days, 30 * len(kinds))
    last_day = today
    if terminal:
        last_day = min(start + timedelta(days=int(span * rng.uniform(0.55, 0.85))), today)
    active_days = (last_day - start).days

    weights = [rng.uniform(0.7, 1.3) for _ in kinds]
    # An open last phase keeps a share of the time for itself.
    total = sum(weights) if terminal else sum(weights) + rng.uniform(0.3, 0.8)
    boundaries, cumulative = [start], 0.0
    for weight in weights:
        cumulative += weight
        boundaries.append(start + timedelta(days=int(active_days * cumulative / total)))

    for position, kind in enumerate(kinds):
        started_on = boundaries[position]
        is_last = position == len(kinds) - 1
        phase = Phase(
            project=project,
            kind=kind,
            started_on=started_on,
            planned_end_on=started_on + timedelta(days=rng.randint(120, 300)),
        )
        if not is_last or terminal:
            phase.ended_on = last_day if is_last else boundaries[position + 1]
            if is_last:
                phase.gate_decision = GateDecision.STOP
                phase.rationale = STOP_RATIONALES.get(
                    project.closing_reason, STOP_RATIONALES[StopReason.OTHER]
                )
            else:
                phase.gate_decision = (
                    GateDecision.GO_WITH_CONDITIONS if rng.random() < 0.2 else GateDecision.GO
                )
                phase.rationale = GATE_RATIONALES[kind]
                if phase.gate_decision == GateDecision.GO_WITH_CONDITIONS:
                    phase.conditions = "Konsekvensanalysen skal være godkendt før næste fase."
            phase.decided_on = phase.ended_on
            phase.decided_by = STEERING_GROUP
        elif on_hold:
            phase.gate_decision = GateDecision.ON_HOLD
            phase.decided_on = _between(rng, started_on, today)
            phase.decided_by = STEERING_GROUP
            phase.rationale = "Afventer juridisk afklaring af drift."
        timeline.phases.append(phase)
        if phase.gate_decision:
            timeline.decisions.append(gate_decision_record(phase, author=author))

    phase_start = {phase.kind: phase.started_on for phase in timeline.phases}
    phase_end = {phase.kind: phase.ended_on or today for phase in timeline.phases}

    for spec in barriers:
        kind = spec.phase if spec.phase in phase_start else kinds[-1]
        identified_on = _between(rng, phase_start[kind], phase_end[kind])
        barrier = Barrier(
            project=project,
            category=spec.category,
            title=spec.title,
            description=spec.description,
            severity=spec.severity,
            phase=kind,
            identified_on=identified_on,
            escalated=spec.escalated,
            escalated_on=identified_on + timedelta(days=14) if spec.escalated else None,
            escalation_request=spec.escalation_request,
            escalated_by=author if spec.escalated else None,
            author=author,
        )
        if spec.resolution:
            barrier.status = BarrierStatus.RESOLVED
            barrier.resolution = spec.resolution
            barrier.resolved_on = min(identified_on + timedelta(days=rng.randint(20, 200)), today)
            if barrier.escalated_on and barrier.escalated_on > barrier.resolved_on:
                barrier.escalated_on = barrier.resolved_on
        elif spec.accepted:
            barrier.status = BarrierStatus.ACCEPTED
        elif spec.escalated:
            barrier.status = BarrierStatus.BLOCKING
        else:
            barrier.status = rng.choice([BarrierStatus.OPEN, BarrierStatus.HANDLING])
        if barrier.escalated_on and barrier.escalated_on > today:
            barrier.escalated_on = today
        timeline.barriers.append(barrier)
        if spec.resolution or spec.accepted:
            decision = Decision(
                project=project,
                decided_on=barrier.resolved_on or identified_on,
                title=f"Håndtering: {spec.title}",
                description=spec.resolution or "Barrieren accepteres som en kendt risiko.",
                decided_by=STEERING_GROUP,
                kind=DecisionKind.SCOPE,
                author=author,
            )
            timeline.decisions.append(decision)
            timeline.decision_barriers.append((decision, barrier))

    for spec in lessons:
        kind = spec.phase if spec.phase in phase_start else kinds[-1]
        barrier = None
        if spec.from_barrier is not None and spec.from_barrier < len(timeline.barriers):
            barrier = timeline.barriers[spec.from_barrier]
        timeline.lessons.append(
            LessonLearned(
                project=project,
                title=spec.title,
                what_happened=spec.what_happened,
                advice=spec.advice,
                category=spec.category,
                phase=kind,
                visibility=(
                    LessonVisibility.PORTFOLIO if spec.shared else LessonVisibility.PROJECT
                ),
                barrier=barrier,
                author=author,
                learned_on=_between(rng, phase_start[kind], phase_end[kind]),
            )
        )

    critical_from = [
        barrier.identified_on
        for barrier in timeline.barriers
        if barrier.status in (BarrierStatus.BLOCKING, BarrierStatus.OPEN)
    ]
    # Some projects stop reporting for a while; the agency needs to notice them.
    reporting_until = last_day
    if not terminal and rng.random() < 0.08:
        reporting_until = last_day - timedelta(days=rng.randint(91, 240))
    interval = max(active_days // max(update_count, 1), 1)
    for number in range(update_count):
        reported_on = start + timedelta(days=interval * (number + 1))
        if reported_on > reporting_until:
            break
        troubled = sum(1 for day in critical_from if day <= reported_on)
        overall = rng.choices(
            [TrafficLight.GREEN, TrafficLight.YELLOW, TrafficLight.RED],
            weights=[max(60 - 20 * troubled, 10), 30, 10 + 15 * troubled],
        )[0]
        help_needed = rng.random() < 0.04
        timeline.updates.append(
            StatusUpdate(
                project=project,
                reported_on=reported_on,
                author=author,
                overall_status=overall,
                schedule_status=rng.choice(
                    [overall, overall, TrafficLight.GREEN, TrafficLight.YELLOW]
                ),
                budget_status=rng.choice([TrafficLight.GREEN, TrafficLight.GREEN, overall]),
                benefits_status=rng.choice([overall, TrafficLight.YELLOW, TrafficLight.GREEN]),
                progress=rng.choice(PROGRESS_TEXTS),
                next_steps=rng.choice(NEXT_STEPS),
                help_needed=help_needed,
                help_text=rng.choice(HELP_TEXTS) if help_needed else "",
            )
        )
    if help_text and timeline.updates:
        latest = timeline.updates[-1]
        latest.help_needed, latest.help_text = True, help_text

    project.current_phase = timeline.phases[-1].kind
    if timeline.updates:
        project.current_status = timeline.updates[-1].overall_status
        project.last_status_on = timeline.updates[-1].reported_on
        project.help_requested = timeline.updates[-1].help_needed
    return timeline
