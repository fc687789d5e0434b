"""The denormalised phase, outcome, status, benefit realisation and consultant share on a
project cannot drift from its history, whichever path writes it: the services, the Django
admin or a plain ORM save."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.models import (
    BenefitIndicator,
    BenefitMeasurement,
    OperationDecision,
    OperationDecisionKind,
    Outcome,
    Participation,
    ParticipationKind,
    Phase,
    PhaseKind,
    Project,
    Realisation,
    Spending,
    StatusUpdate,
    StopReason,
    TrafficLight,
    consultant_share,
)
from tests import factories

pytestmark = pytest.mark.django_db


# Seed 1 runs, spreads and stops at a gate; seed 4 goes through operation and scaling.
@pytest.mark.parametrize("seed", [1, 4])
def test_denormalised_phase_and_status_cannot_drift(
    seed, norddjurs, syddjurs, aarhus, coordinator, admin_client
):
    """Random sequences of writes that change phases, statuses, operation decisions,
    participants, measurements and spending, through the services, the admin and the ORM,
    checked against the history they leave after each one."""
    rng = random.Random(seed)
    project = services.create_project(
        project=factories.ProjectFactory.build(
            lead_organisation=norddjurs, funding_round=None, start_date=date(2020, 1, 1)
        ),
        participants=[syddjurs],
        adopters=[aarhus],
    )
    # Ready for operation as far as the AI Act goes: the gate into operation is not the
    # subject here.
    factories.meet_obligations(project)
    organisations = [norddjurs, syddjurs, aarhus]
    indicators = [
        factories.BenefitIndicatorFactory(
            project=project, baseline_on=date(2020, 1, 1), baseline_value=1000, target_value=400
        ),
        factories.BenefitIndicatorFactory(
            project=project,
            organisation=syddjurs,
            kind="dkk",
            baseline_on=date(2020, 1, 1),
            baseline_value=0,
            target_value=250_000,
        ),
        factories.BenefitIndicatorFactory(
            project=project, baseline_on=date(2020, 1, 1), target_value=None
        ),
    ]
    day = date(2020, 1, 2)
    for _ in range(80):
        day += timedelta(days=rng.randint(0, 10))
        action = rng.choice(
            [
                *["update", "backdated", "withdraw", "gate", "gate", "orm", "orm_delete"],
                *["admin", "decide", "decide", "orm_decide", "participation"],
                *["measure", "orm_measure", "spend", "orm_spend"],
            ]
        )
        if action in {"update", "backdated"}:
            reported = day if action == "update" else day - timedelta(days=rng.randint(1, 300))
            update = StatusUpdate(
                project=project,
                reported_on=reported,
                overall_status=rng.choice(TrafficLight.values),
                schedule_status="green",
                budget_status="green",
                benefits_status="green",
                progress="x",
                help_needed=rng.random() < 0.3,
                help_text="Hjælp.",
            )
            try:
                services.log_status_update(update=update, author=coordinator)
            except ValidationError as refused:  # dated before the current phase began
                assert "reported_on" in refused.message_dict
        elif action == "withdraw":
            entries = list(StatusUpdate.objects.filter(project=project).order_by("pk"))
            if entries:
                services.withdraw_entry(entry=rng.choice(entries), user=coordinator)
        elif action == "orm":
            entries = list(StatusUpdate.objects.filter(project=project).order_by("pk"))
            if entries:
                entry = rng.choice(entries)
                entry.overall_status = rng.choice(TrafficLight.values)
                entry.help_needed, entry.help_text = True, "Hjælp."
                entry.save()
        elif action == "orm_delete":
            entries = list(StatusUpdate.all_objects.filter(project=project).order_by("pk"))
            if entries:
                rng.choice(entries).delete()
        elif action == "admin":
            response = admin_client.post(
                reverse("admin:projects_statusupdate_add"),
                {
                    "project": project.pk,
                    "reported_on": day.isoformat(),
                    "overall_status": rng.choice(TrafficLight.values),
                    "schedule_status": "green",
                    "budget_status": "green",
                    "benefits_status": "green",
                    "progress": "Fra administrationen.",
                },
            )
            assert response.status_code == 302, response.content.decode()[:500]
        elif action == "decide":
            on_the_project = [o for o in organisations if project.has_organisation(o.pk)]
            _decide(rng, project, rng.choice(on_the_project), day, coordinator)
        elif action == "orm_decide":
            decisions = list(OperationDecision.objects.filter(project=project).order_by("pk"))
            if decisions and rng.random() < 0.3:
                rng.choice(decisions).delete()
            elif decisions:
                decision = rng.choice(decisions)
                decision.decision = rng.choice(
                    [OperationDecisionKind.IN_OPERATION, OperationDecisionKind.UNDECIDED]
                )
                decision.decided_on = day
                decision.save()
        elif action == "participation":
            _change_participation(rng, project, aarhus)
        elif action == "measure":
            measurement = BenefitMeasurement(
                indicator=rng.choice(indicators),
                measured_on=day - timedelta(days=rng.randint(0, 100)),
                value=rng.randint(0, 300_000),
            )
            try:
                services.record_measurement(measurement=measurement, entered_by=coordinator)
            except ValidationError as refused:  # dated before the baseline
                assert "measured_on" in refused.message_dict
        elif action == "orm_measure":
            measurements = list(BenefitMeasurement.objects.filter(project=project).order_by("pk"))
            if measurements and rng.random() < 0.4:
                rng.choice(measurements).delete()
            elif measurements:
                measurement = rng.choice(measurements)
                measurement.value = rng.randint(0, 2000)
                measurement.measured_on = max(
                    date(2020, 1, 1), measurement.measured_on - timedelta(days=30)
                )
                measurement.save()
        elif action == "spend":
            year = rng.randint(2020, 2023)
            spending = Spending(
                project=project,
                year=year,
                external_dkk=rng.choice([0, 100_000, 450_000]),
                internal_dkk=rng.choice([0, 200_000]),
            )
            try:
                services.record_spending(spending=spending)
            except ValidationError as refused:  # the year is recorded already
                assert "year" in refused.message_dict
        elif action == "orm_spend":
            rows = list(Spending.objects.filter(project=project).order_by("pk"))
            if rows and rng.random() < 0.3:
                rng.choice(rows).delete()
            elif rows:
                row = rng.choice(rows)
                row.internal_dkk = rng.choice([0, 50_000, 900_000])
                row.save()
        elif Phase.objects.filter(project=project, ended_on__isnull=True).exists():
            services.advance_phase(
                project=project,
                decision=rng.choice([*["go"] * 6, "on_hold", "on_hold", "stop"]),
                decided_on=day,
                decided_by="Styregruppen",
                rationale="r",
                author=coordinator,
                closing_reason=StopReason.CAPACITY,
                closing_explanation="Ingen ressourcer til drift.",
            )
        _assert_in_step(Project.objects.get(pk=project.pk))


def _decide(rng, project, organisation, day, author):
    kind = rng.choice(OperationDecisionKind.values)
    current = OperationDecision.objects.filter(project=project, organisation=organisation).first()
    explained = kind in OperationDecisionKind.needing_reason()
    services.record_operation_decision(
        decision=OperationDecision(
            project=project,
            organisation=organisation,
            decision=kind,
            decided_on=None if kind == OperationDecisionKind.UNDECIDED else day,
            reason_category=StopReason.BUSINESS_CASE if explained else "",
            reason="For lille gevinst." if explained else "",
        ),
        author=author,
        expected_version=current.version if current else 0,
        fields=["decision", "decided_on", "reason_category", "reason"],
    )


def _change_participation(rng, project, organisation):
    """The organisation leaves, joins (through the many-to-many field) or changes how it
    takes part (through its row)."""
    participation = Participation.objects.filter(project=project, organisation=organisation)
    if not participation.exists():
        kind = rng.choice(ParticipationKind.values)
        project.participants.add(organisation, through_defaults={"kind": kind})
    elif rng.random() < 0.3:
        project.participants.remove(organisation)
    else:
        row = participation.get()
        row.kind = rng.choice(ParticipationKind.values)
        row.save()


def _assert_in_step(project):
    latest = StatusUpdate.objects.filter(project=project).order_by("-reported_on", "-pk").first()
    assert project.current_status == (latest.overall_status if latest else "")
    assert project.last_status_on == (latest.reported_on if latest else None)
    assert project.help_requested == (latest.help_needed if latest else False)
    newest_phase = Phase.objects.filter(project=project).order_by("-started_on", "-pk").first()
    assert project.current_phase == newest_phase.kind
    assert Phase.objects.filter(project=project, ended_on__isnull=True).count() <= 1
    assert project.current_phase in PhaseKind.values
    running = set(
        OperationDecision.objects.filter(
            project=project, decision=OperationDecisionKind.IN_OPERATION
        ).values_list("organisation", flat=True)
    )
    adopters = set(
        Participation.objects.filter(project=project, kind=ParticipationKind.ADOPTER).values_list(
            "organisation", flat=True
        )
    )
    assert project.outcome == Outcome.following(
        newest_phase,
        current=project.outcome,
        in_operation=bool(running),
        spread=bool(running & adopters),
    )
    if running:
        assert project.outcome in (Outcome.IN_OPERATION, Outcome.SCALED)
    if project.outcome in Outcome.closed_values():
        assert project.closing_reason and project.outcome_note

    percents = []
    for indicator in BenefitIndicator.objects.filter(project=project):
        latest = indicator.measurements.order_by("-measured_on", "-pk").first()
        assert (indicator.latest_value, indicator.latest_on) == (
            (latest.value, latest.measured_on) if latest else (None, None)
        )
        realisation = Realisation.of(
            baseline=indicator.baseline_value,
            target=indicator.target_value,
            latest=latest.value if latest else None,
        )
        if realisation.percent is not None:
            percents.append(realisation.percent)
    expected = (sum(percents) / len(percents)).quantize(Decimal("0.1")) if percents else None
    assert project.realisation_percent == expected
    spent = list(
        Spending.objects.filter(project=project).values_list("external_dkk", "internal_dkk")
    )
    assert project.consultant_share == consultant_share(
        sum(external for external, _ in spent), sum(internal for _, internal in spent)
    )
