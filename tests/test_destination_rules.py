"""Where a project ends up: how far its benefits are realised, what share of its spending went
to external consultants, the outcome its organisations' operation decisions imply, and the
rules each of these records keeps on every write path (the services, the models' own
validation, the database), all of it in the project's history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects import services
from projects.models import (
    BenefitIndicator,
    BenefitKind,
    BenefitMeasurement,
    GateDecision,
    OperationDecision,
    OperationDecisionKind,
    Outcome,
    Participation,
    ParticipationKind,
    Phase,
    PhaseKind,
    Project,
    ProjectSupplier,
    Realisation,
    Spending,
    StopReason,
    Supplier,
    SupplierRole,
    consultant_share,
)
from projects.selectors.history import history_rows, project_history
from projects.services import ConcurrentEditError
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
IN_OPERATION = OperationDecisionKind.IN_OPERATION
NOT_TO = OperationDecisionKind.NOT_TO
POSTPONED = OperationDecisionKind.POSTPONED
UNDECIDED = OperationDecisionKind.UNDECIDED


def stored(project: Project) -> Project:
    return Project.objects.get(pk=project.pk)


def rejected_by_database(write) -> str:
    """The message of the IntegrityError that `write` runs into."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        write()
    return str(refused.value)


def refused_fields(write) -> set[str]:
    """The fields a ValidationError from `write` names."""
    with pytest.raises(ValidationError) as refused:
        write()
    return set(refused.value.message_dict)


def decide(project, organisation, decision=IN_OPERATION, **values) -> OperationDecision:
    """An organisation's decision as the services record it: a new one, or a change of the
    one it has."""
    current = OperationDecision.objects.filter(project=project, organisation=organisation).first()
    values = {
        "decided_on": None if decision == UNDECIDED else date(2024, 1, 15),
        "reason_category": StopReason.BUSINESS_CASE if decision in (NOT_TO, POSTPONED) else "",
        "reason": "Gevinsten er for lille." if decision in (NOT_TO, POSTPONED) else "",
        **values,
    }
    fields = ["decision", *values]
    return services.record_operation_decision(
        decision=OperationDecision(
            project=project, organisation=organisation, decision=decision, **values
        ),
        author=None,
        expected_version=current.version if current else 0,
        fields=fields,
    )


def advance(project, decision=GateDecision.GO, **values) -> Phase:
    return services.advance_phase(
        project=project,
        decision=decision,
        decided_on=values.pop("decided_on", TODAY()),
        decided_by="Styregruppen",
        rationale="Besluttet på styregruppemødet.",
        author=None,
        **values,
    )


def stop(project, **values) -> Phase:
    return advance(
        project,
        GateDecision.STOP,
        **{
            "closing_reason": StopReason.NO_LEGAL_BASIS,
            "closing_explanation": "Der er ikke hjemmel til drift.",
            **values,
        },
    )


# How far an indicator has come ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "percent", "state"),
    [
        # More is better: kroner saved, from nothing towards the target.
        ("0", "1200", "300", "25.0", Realisation.UNDERWAY),
        ("0", "1200", "0", "0.0", Realisation.UNDERWAY),
        ("0", "1200", "1200", "100.0", Realisation.REACHED),
        ("0", "1200", "1800", "150.0", Realisation.REACHED),  # passed, not capped
        ("100", "200", "50", "-50.0", Realisation.AWAY),
        # Less is better: hours spent, down from the baseline towards a lower target.
        ("1000", "400", "700", "50.0", Realisation.UNDERWAY),
        ("1000", "400", "400", "100.0", Realisation.REACHED),
        ("1000", "400", "100", "150.0", Realisation.REACHED),
        ("1000", "400", "1300", "-50.0", Realisation.AWAY),
        # Decimals, rounded to one decimal (not cut off).
        ("0", "3", "1", "33.3", Realisation.UNDERWAY),
        ("0", "3", "2", "66.7", Realisation.UNDERWAY),
        ("2.5", "4.75", "3.1", "26.7", Realisation.UNDERWAY),
        ("4.2", "3.9", "4.15", "16.7", Realisation.UNDERWAY),
        ("0", "7", "6.9999", "100.0", Realisation.REACHED),
    ],
)
def test_realisation_is_the_share_of_the_planned_change_reached(
    baseline, target, latest, percent, state
):
    realisation = Realisation.of(
        baseline=Decimal(baseline), target=Decimal(target), latest=Decimal(latest)
    )
    assert realisation == Realisation(Decimal(percent), state)
    assert str(realisation.percent) == percent
    assert realisation.label


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "state"),
    [
        (None, "400", "700", Realisation.NO_BASELINE),
        ("1000", None, "700", Realisation.NO_TARGET),
        ("1000", "1000", "700", Realisation.NO_CHANGE_PLANNED),
        ("0", "0", "0", Realisation.NO_CHANGE_PLANNED),
        ("1000", "1000", None, Realisation.NO_CHANGE_PLANNED),
        ("1000", "400", None, Realisation.NOT_MEASURED),
        (None, None, None, Realisation.NO_BASELINE),
    ],
)
def test_realisation_cannot_be_told_without_a_baseline_a_change_planned_or_a_measurement(
    baseline, target, latest, state
):
    def number(value):
        return None if value is None else Decimal(value)

    realisation = Realisation.of(
        baseline=number(baseline), target=number(target), latest=number(latest)
    )
    assert (realisation.percent, realisation.state) == (None, state)
    assert realisation.label


def test_an_indicator_tells_its_realisation_from_its_latest_measurement(project):
    indicator = factories.BenefitIndicatorFactory(project=project)  # 1.000 hours down to 400
    assert indicator.realisation.state == Realisation.NOT_MEASURED
    factories.BenefitMeasurementFactory(indicator=indicator, value=Decimal(850))
    indicator.refresh_from_db()
    assert indicator.realisation == Realisation(Decimal("25.0"), Realisation.UNDERWAY)
    assert indicator.unit_label == BenefitKind.HOURS.default_unit
    indicator.unit = "timer pr. måned"
    assert indicator.unit_label == "timer pr. måned"


# The project's realisation, kept on every write ------------------------------------------------


def measure(indicator, value, on=date(2023, 6, 1)) -> BenefitMeasurement:
    return services.record_measurement(
        measurement=BenefitMeasurement(indicator=indicator, measured_on=on, value=Decimal(value))
    )


def test_the_project_realisation_averages_its_measured_indicators(project, syddjurs):
    hours = factories.BenefitIndicatorFactory(project=project)  # 1.000 down to 400
    kroner = factories.BenefitIndicatorFactory(
        project=project,
        organisation=syddjurs,
        kind=BenefitKind.DKK,
        baseline_value=0,
        target_value=200_000,
    )
    no_target = factories.BenefitIndicatorFactory(project=project, target_value=None)
    no_change = factories.BenefitIndicatorFactory(project=project, target_value=1000)
    factories.BenefitIndicatorFactory(project=project)  # not measured yet
    assert stored(project).realisation_percent is None

    measure(no_target, 500)
    measure(no_change, 500)
    assert stored(project).realisation_percent is None  # nothing that can be told yet

    measure(hours, 700)  # 50 %
    assert stored(project).realisation_percent == Decimal("50.0")
    measure(kroner, 50_000)  # 25 %
    assert stored(project).realisation_percent == Decimal("37.5")


def test_the_realisation_follows_every_write_of_a_measurement_or_an_indicator(project):
    indicator = factories.BenefitIndicatorFactory(project=project)  # 1.000 down to 400
    first = measure(indicator, 700, on=date(2023, 1, 1))
    assert stored(project).realisation_percent == Decimal("50.0")

    # A measurement edited through the service.
    services.record_measurement(
        measurement=BenefitMeasurement(
            pk=first.pk, project_id=project.pk, indicator=indicator, value=Decimal(550)
        ),
        expected_version=first.version,
        fields=["value"],
    )
    assert stored(project).realisation_percent == Decimal("75.0")

    # The target changed through the service: 1.000 down to 100 now.
    services.record_indicator(
        indicator=BenefitIndicator(
            pk=indicator.pk,
            project=project,
            organisation=indicator.organisation,
            target_value=Decimal(100),
        ),
        expected_version=indicator.version,
        fields=["target_value"],
    )
    assert stored(project).realisation_percent == Decimal("50.0")

    # Plain ORM writes: a measurement saved, changed and deleted, the indicator changed.
    second = BenefitMeasurement.objects.create(
        indicator=indicator, measured_on=date(2023, 6, 1), value=Decimal(280)
    )
    assert stored(project).realisation_percent == Decimal("80.0")
    second.value = Decimal(1000)
    second.save()
    assert stored(project).realisation_percent == Decimal("0.0")
    indicator.refresh_from_db()
    indicator.baseline_value = Decimal(1900)
    indicator.save()
    assert stored(project).realisation_percent == Decimal("50.0")
    second.delete()
    assert stored(project).realisation_percent == Decimal("75.0")  # (1900 - 550) / 1800
    BenefitMeasurement.objects.get(pk=first.pk).delete()
    assert stored(project).realisation_percent is None
    indicator.delete()
    assert stored(project).realisation_percent is None


def test_the_latest_value_is_the_latest_measurement_by_date_not_by_entry(project):
    indicator = factories.BenefitIndicatorFactory(project=project)
    newest = measure(indicator, 600, on=date(2024, 1, 1))
    measure(indicator, 800, on=date(2023, 1, 1))  # entered later, measured earlier
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.latest_on) == (Decimal(600), date(2024, 1, 1))
    assert stored(project).realisation_percent == Decimal("66.7")

    later = BenefitMeasurement.objects.get(measured_on=date(2023, 1, 1))
    later.measured_on = date(2024, 6, 1)
    later.save()
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.latest_on) == (Decimal(800), date(2024, 6, 1))
    assert stored(project).realisation_percent == Decimal("33.3")

    later.delete()
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.latest_on) == (newest.value, newest.measured_on)
    newest.delete()
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.latest_on) == (None, None)


def test_a_mistyped_target_does_not_break_the_project(project):
    """A target typed as 1 instead of 1.000.000 puts a measurement of 1.500.000 a hundred
    and fifty million per cent along: stored at the column's limit, not a database error."""
    indicator = factories.BenefitIndicatorFactory(
        project=project, kind=BenefitKind.DKK, baseline_value=0, target_value=1
    )
    measure(indicator, 1_500_000)
    indicator.refresh_from_db()
    assert indicator.realisation.percent == Decimal("150000000.0")
    assert stored(project).realisation_percent == Decimal("99999999.9")
    indicator.baseline_value = Decimal(1)
    indicator.target_value = Decimal("0.99")
    indicator.save()
    assert stored(project).realisation_percent == Decimal("-99999999.9")  # the other side
    indicator.target_value = Decimal(1_000_000)
    indicator.save()
    assert stored(project).realisation_percent == Decimal("150.0")


def test_measurements_of_one_indicator_do_not_move_another(project):
    hours = factories.BenefitIndicatorFactory(project=project)
    other = factories.BenefitIndicatorFactory(project=project)
    measure(hours, 400)
    other.refresh_from_db()
    assert (other.latest_value, other.latest_on) == (None, None)
    other_project = factories.BenefitIndicatorFactory().project
    assert other_project.realisation_percent is None
    assert stored(project).realisation_percent == Decimal("100.0")


# The consultants' share ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("external", "internal", "share"),
    [
        (0, 0, None),
        (None, None, None),
        (300_000, 0, Decimal("100.0")),
        (0, 300_000, Decimal("0.0")),
        (1, 2, Decimal("33.3")),
        (2, 1, Decimal("66.7")),
        (900_000, 600_000, Decimal("60.0")),
    ],
)
def test_consultant_share_is_the_external_part_of_the_kroner_spent(external, internal, share):
    assert consultant_share(external, internal) == share


def test_the_consultant_share_follows_every_write_of_the_spending(project):
    assert stored(project).consultant_share is None
    first = services.record_spending(
        spending=Spending(project=project, year=2023, external_dkk=900_000, internal_dkk=600_000)
    )
    assert stored(project).consultant_share == Decimal("60.0")
    assert first.external_share == Decimal("60.0")

    # A second year counts with the first: 900.000 of 2.000.000.
    second = services.record_spending(
        spending=Spending(project=project, year=2024, external_dkk=0, internal_dkk=500_000)
    )
    assert stored(project).consultant_share == Decimal("45.0")

    # Edited through the service.
    services.record_spending(
        spending=Spending(pk=second.pk, project=project, year=2024, external_dkk=500_000),
        expected_version=second.version,
        fields=["external_dkk"],
    )
    assert stored(project).consultant_share == Decimal("56.0")  # 1.400.000 of 2.500.000

    # Plain ORM writes.
    second.refresh_from_db()
    second.internal_dkk = 0
    second.save()
    assert stored(project).consultant_share == Decimal("70.0")  # 1.400.000 of 2.000.000
    first.delete()
    assert stored(project).consultant_share == Decimal("100.0")
    second.external_dkk = 0
    second.save()
    assert stored(project).consultant_share is None  # nothing spent
    Spending.objects.filter(pk=second.pk).first().delete()
    assert stored(project).consultant_share is None


def test_a_year_is_recorded_once_and_competence_is_ticked_with_its_roles(project):
    factories.SpendingFactory(project=project, year=2023)
    assert refused_fields(
        lambda: services.record_spending(spending=Spending(project=project, year=2023))
    ) == {"year"}
    assert refused_fields(
        lambda: services.record_spending(
            spending=Spending(project=project, year=2024, competence_roles="Data scientist")
        )
    ) == {"competence_built"}
    assert Spending.objects.filter(project=project).count() == 1


# The outcome the organisations' decisions imply ----------------------------------------------


@pytest.fixture
def open_phase(project):
    return factories.PhaseFactory(project=project, started_on=date(2022, 1, 1))


def test_a_project_without_decisions_is_ongoing_whatever_its_phase(project):
    factories.PhaseFactory(project=project, kind=PhaseKind.OPERATION)
    assert (stored(project).current_phase, stored(project).outcome) == (
        PhaseKind.OPERATION,
        Outcome.ONGOING,
    )


def test_any_organisation_running_the_solution_puts_the_project_in_operation(
    project, syddjurs, open_phase
):
    decide(project, project.lead_organisation, POSTPONED)
    assert stored(project).outcome == Outcome.ONGOING
    decided = decide(project, syddjurs, IN_OPERATION)  # the participant, not the lead
    assert stored(project).outcome == Outcome.IN_OPERATION

    decide(project, syddjurs, POSTPONED)
    assert stored(project).outcome == Outcome.ONGOING
    decided.refresh_from_db()
    decided.decision = IN_OPERATION
    decided.save()  # a plain ORM save
    assert stored(project).outcome == Outcome.IN_OPERATION
    decided.delete()
    assert stored(project).outcome == Outcome.ONGOING


def test_the_solution_is_scaled_when_an_adopter_runs_it(project, aarhus, open_phase):
    decide(project, project.lead_organisation)
    project.participants.add(aarhus, through_defaults={"kind": ParticipationKind.ADOPTER})
    # An adopter that has not decided yet does not make it spread.
    assert stored(project).outcome == Outcome.IN_OPERATION
    decide(project, aarhus)
    assert stored(project).outcome == Outcome.SCALED

    participation = Participation.objects.get(project=project, organisation=aarhus)
    participation.kind = ParticipationKind.PARTNER
    participation.save()
    assert stored(project).outcome == Outcome.IN_OPERATION
    participation.kind = ParticipationKind.ADOPTER
    participation.save()
    assert stored(project).outcome == Outcome.SCALED

    project.participants.remove(aarhus)
    assert stored(project).outcome == Outcome.IN_OPERATION
    aarhus.participating_projects.add(project, through_defaults={"kind": "adopter"})
    assert stored(project).outcome == Outcome.SCALED
    project.participants.clear()
    assert stored(project).outcome == Outcome.IN_OPERATION


def test_an_adopter_running_it_alone_scales_the_solution(project, aarhus, open_phase):
    project.participants.add(aarhus, through_defaults={"kind": ParticipationKind.ADOPTER})
    decide(project, project.lead_organisation, NOT_TO)
    decide(project, aarhus)
    assert stored(project).outcome == Outcome.SCALED


def test_the_solution_is_scaled_when_it_runs_and_the_project_is_scaling(project):
    factories.PhaseFactory(project=project, kind=PhaseKind.SCALING)
    assert stored(project).outcome == Outcome.ONGOING  # the phase alone says nothing
    decide(project, project.lead_organisation)
    assert stored(project).outcome == Outcome.SCALED


def test_a_stopped_project_stays_stopped_until_someone_runs_the_solution(
    project, syddjurs, open_phase
):
    stop(project, closing_outcome=Outcome.CLOSED)
    assert stored(project).outcome == Outcome.CLOSED
    decide(project, project.lead_organisation, NOT_TO)
    factories.StatusUpdateFactory(project=project)
    assert stored(project).outcome == Outcome.CLOSED  # not turned into "stopped" either

    # The participant takes the solution into use after all.
    decide(project, syddjurs, IN_OPERATION)
    project = stored(project)
    assert project.outcome == Outcome.IN_OPERATION
    assert project.closing_reason == StopReason.NO_LEGAL_BASIS  # why the pilot stopped, kept
    decide(project, syddjurs, POSTPONED)
    assert stored(project).outcome == Outcome.CLOSED  # back to how the stop closed it


def test_a_stop_cannot_be_recorded_without_a_reason_on_any_path(project, open_phase):
    for missing in (
        {"closing_reason": ""},
        {"closing_reason": "weather"},
        {"closing_explanation": " "},
    ):
        with pytest.raises(ValidationError):
            stop(project, **missing)
        open_phase.refresh_from_db()
        assert open_phase.ended_on is None
        assert (stored(project).outcome, stored(project).closing_reason) == (Outcome.ONGOING, "")

    # Bypassing the service, a stop written to the phase cannot leave a project closed
    # without saying why.
    open_phase.gate_decision = GateDecision.STOP
    open_phase.decided_on = open_phase.ended_on = date(2023, 1, 1)
    message = rejected_by_database(open_phase.save)
    assert "project_closed_with_reason" in message
    assert stored(project).outcome == Outcome.ONGOING

    stop(project)
    project = stored(project)
    assert (project.outcome, project.closing_reason, project.outcome_note) == (
        Outcome.STOPPED,
        StopReason.NO_LEGAL_BASIS,
        "Der er ikke hjemmel til drift.",
    )


def test_going_into_operation_records_the_leads_decision_once(project):
    factories.PhaseFactory(project=project, kind=PhaseKind.IMPLEMENTATION)
    factories.meet_obligations(project)
    advance(project, decided_on=date(2024, 3, 1))
    decision = OperationDecision.objects.get(project=project)
    assert (decision.organisation, decision.decision, decision.decided_on) == (
        project.lead_organisation,
        IN_OPERATION,
        date(2024, 3, 1),
    )
    assert decision.decided_by == "Styregruppen"
    assert stored(project).outcome == Outcome.IN_OPERATION

    # Scaling afterwards keeps that decision as it is.
    advance(project, decided_on=date(2024, 9, 1))
    assert OperationDecision.objects.get(project=project).decided_on == date(2024, 3, 1)
    assert stored(project).outcome == Outcome.SCALED


def test_going_into_operation_keeps_a_decision_taken_before_and_turns_a_postponed_one(
    project, syddjurs
):
    earlier = decide(project, project.lead_organisation, decided_on=date(2023, 11, 1))
    decide(project, syddjurs, POSTPONED)
    factories.PhaseFactory(project=project, kind=PhaseKind.IMPLEMENTATION)
    factories.meet_obligations(project)
    advance(project)
    earlier.refresh_from_db()
    assert (earlier.decision, earlier.decided_on, earlier.version) == (
        IN_OPERATION,
        date(2023, 11, 1),
        1,
    )
    assert OperationDecision.objects.filter(project=project).count() == 2
    # The participant decides for itself: the lead's gate does not decide for it.
    assert OperationDecision.objects.get(organisation=syddjurs).decision == POSTPONED

    other = factories.ProjectFactory()
    decide(other, other.lead_organisation, POSTPONED)
    factories.PhaseFactory(project=other, kind=PhaseKind.IMPLEMENTATION)
    factories.meet_obligations(other)
    advance(other)
    decision = OperationDecision.objects.get(project=other)
    assert (decision.decision, decision.decided_on) == (IN_OPERATION, TODAY())
    assert (decision.reason_category, decision.reason) == ("", "")


# Rules of an operation decision on every write path -----------------------------------------


@pytest.mark.parametrize("kind", [NOT_TO, POSTPONED])
def test_no_or_not_yet_needs_a_reason_and_an_explanation(project, kind):
    lead = project.lead_organisation
    assert refused_fields(lambda: decide(project, lead, kind, reason_category="", reason="")) == {
        "reason_category",
        "reason",
    }
    unexplained = OperationDecision(
        project=project,
        organisation=lead,
        decision=kind,
        decided_on=date(2024, 1, 1),
        reason_category=StopReason.DATA,
        reason="  ",
    )
    assert refused_fields(unexplained.full_clean) == {"reason"}
    unexplained.reason = ""
    assert "operation_decision_reason_given" in rejected_by_database(unexplained.save)

    running = decide(project, lead, IN_OPERATION)
    message = rejected_by_database(
        lambda: OperationDecision.objects.filter(pk=running.pk).update(decision=kind)
    )
    assert "operation_decision_reason_given" in message
    assert not OperationDecision.objects.exclude(decision=IN_OPERATION).exists()

    decide(project, lead, kind)
    assert OperationDecision.objects.get(pk=running.pk).reason_category == StopReason.BUSINESS_CASE


def test_a_decision_to_run_it_drops_a_stale_reason(project):
    decision = decide(project, project.lead_organisation, POSTPONED)
    decision.decision = IN_OPERATION
    decision.full_clean()
    assert decision.reason_category == ""


def test_a_decision_is_dated_unless_it_is_still_to_be_made(project):
    lead = project.lead_organisation
    assert refused_fields(lambda: decide(project, lead, IN_OPERATION, decided_on=None)) == {
        "decided_on"
    }
    undated = OperationDecision(project=project, organisation=lead, decision=NOT_TO)
    undated.reason_category, undated.reason = StopReason.DATA, "Data mangler."
    assert "decided_on" in refused_fields(undated.full_clean)
    assert "operation_decision_dated" in rejected_by_database(undated.save)

    undecided = decide(project, lead, UNDECIDED)
    assert undecided.decided_on is None
    future = TODAY() + timedelta(days=1)
    assert refused_fields(lambda: decide(project, lead, IN_OPERATION, decided_on=future)) == {
        "decided_on"
    }


def test_one_decision_per_organisation_and_project(project, syddjurs):
    first = decide(project, syddjurs, POSTPONED)
    # The service changes the organisation's decision instead of adding another one.
    changed = decide(project, syddjurs, IN_OPERATION)
    assert changed.pk == first.pk and changed.version == first.version + 1
    assert OperationDecision.objects.filter(project=project, organisation=syddjurs).count() == 1

    # A form opened before the decision was made (version 0) does not overwrite it.
    with pytest.raises(ConcurrentEditError):
        services.record_operation_decision(
            decision=OperationDecision(
                project=project, organisation=syddjurs, decision=NOT_TO, decided_on=TODAY()
            ),
            author=None,
            expected_version=0,
            fields=["decision"],
        )

    second = OperationDecision(
        project=project, organisation=syddjurs, decision=UNDECIDED, decided_on=None
    )
    with pytest.raises(ValidationError):
        second.full_clean()
    assert "UNIQUE" in rejected_by_database(second.save).upper()
    # The same organisation decides for itself on another project.
    factories.OperationDecisionFactory(
        project=factories.ProjectFactory(participants=[syddjurs]), organisation=syddjurs
    )


def test_only_the_lead_and_the_participants_decide_or_measure(project, syddjurs, aarhus):
    assert refused_fields(lambda: decide(project, aarhus)) == {"organisation"}
    indicator = BenefitIndicator(
        project=project,
        organisation=aarhus,
        kind=BenefitKind.HOURS,
        title="Timer",
        baseline_value=Decimal(10),
        baseline_on=date(2022, 1, 1),
    )
    assert refused_fields(lambda: services.record_indicator(indicator=indicator)) == {
        "organisation"
    }
    assert not OperationDecision.objects.exists() and not BenefitIndicator.objects.exists()
    # The lead and a participant may.
    decide(project, project.lead_organisation)
    decide(project, syddjurs, POSTPONED)
    indicator.organisation = syddjurs
    services.record_indicator(indicator=indicator)
    # An organisation that joins later may decide as well.
    project.participants.add(aarhus, through_defaults={"kind": ParticipationKind.ADOPTER})
    decide(stored(project), aarhus)


# Rules of indicators and measurements ---------------------------------------------------------


def test_a_measurement_cannot_be_dated_before_the_baseline_or_in_the_future(project):
    indicator = factories.BenefitIndicatorFactory(project=project, baseline_on=date(2022, 3, 1))
    for day in (date(2022, 2, 28), TODAY() + timedelta(days=1)):
        assert refused_fields(lambda day=day: measure(indicator, 500, on=day)) == {"measured_on"}
    assert not BenefitMeasurement.objects.exists()
    measure(indicator, 500, on=date(2022, 3, 1))  # the baseline's own day

    # Moving the baseline after the measurements is refused as well.
    indicator.refresh_from_db()
    later = BenefitIndicator(
        pk=indicator.pk,
        project=project,
        organisation=indicator.organisation,
        baseline_on=date(2022, 6, 1),
    )
    assert refused_fields(
        lambda: services.record_indicator(
            indicator=later, expected_version=indicator.version, fields=["baseline_on"]
        )
    ) == {"baseline_on"}


def test_a_baseline_is_dated_not_in_the_future_and_before_the_target_date(project):
    def indicator(**values):
        return BenefitIndicator(
            project=project,
            organisation=project.lead_organisation,
            kind=BenefitKind.QUALITY,
            title="Tilfredshed",
            **values,
        )

    undated = indicator(baseline_value=Decimal(3))
    assert refused_fields(undated.full_clean) == {"baseline_on"}
    assert "benefit_indicator_baseline_dated" in rejected_by_database(undated.save)
    future = indicator(baseline_value=Decimal(3), baseline_on=TODAY() + timedelta(days=1))
    assert refused_fields(future.full_clean) == {"baseline_on"}
    backwards = indicator(
        baseline_value=Decimal(3), baseline_on=date(2023, 1, 1), target_on=date(2022, 1, 1)
    )
    assert refused_fields(backwards.full_clean) == {"target_on"}
    # An indicator may be set up before its baseline is measured.
    services.record_indicator(indicator=indicator(target_value=Decimal(4)))


def test_benefits_are_measured_after_the_project_has_closed(project, open_phase):
    indicator = factories.BenefitIndicatorFactory(project=project)
    stop(project, decided_on=date(2023, 1, 1))
    measure(indicator, 700, on=date(2024, 1, 1))
    project = stored(project)
    assert project.outcome == Outcome.STOPPED
    assert project.realisation_percent == Decimal("50.0")


def test_a_measurement_belongs_to_its_indicators_project(project):
    indicator = factories.BenefitIndicatorFactory(project=project)
    measurement = measure(indicator, 700)
    assert measurement.project_id == project.pk
    elsewhere = BenefitMeasurement(
        indicator=indicator,
        project=factories.ProjectFactory(),
        measured_on=date(2023, 1, 1),
        value=Decimal(1),
    )
    assert "indicator" in refused_fields(elsewhere.full_clean)


# Suppliers ----------------------------------------------------------------------------------


def test_a_supplier_is_one_record_whatever_the_case_of_its_name(project):
    netcompany = services.find_or_create_supplier(name="Netcompany A/S")
    assert services.find_or_create_supplier(name="  NETCOMPANY   a/s ") == netcompany
    assert Supplier.objects.count() == 1
    with pytest.raises(ValidationError):
        Supplier(name="netcompany a/s").full_clean()
    assert (
        "UNIQUE"
        in rejected_by_database(lambda: Supplier.objects.create(name="NetCompany A/S")).upper()
    )

    services.link_supplier(
        link=ProjectSupplier(project=project, role=SupplierRole.DEVELOPMENT),
        supplier_name="netcompany a/s",
    )
    assert list(project.supplier_links.values_list("supplier", flat=True)) == [netcompany.pk]


@pytest.mark.parametrize("cvr", ["1234567", "123456789", "1234567a", "12 34 56 78", "abcdefgh"])
def test_a_cvr_number_has_eight_digits(cvr):
    with pytest.raises(ValidationError) as refused:
        Supplier(name="Rådgiveren ApS", cvr=cvr).full_clean()
    assert set(refused.value.message_dict) == {"cvr"}
    with pytest.raises(ValidationError):
        services.find_or_create_supplier(name="Rådgiveren ApS", cvr=cvr)
    assert not Supplier.objects.exists()


def test_a_supplier_with_a_cvr_number_is_accepted_and_found_by_it():
    Supplier(name="Rådgiveren ApS", cvr="12345678").full_clean()
    found = services.find_or_create_supplier(name="Rådgiveren ApS", cvr="12345678")
    assert services.find_or_create_supplier(name="Rådgiveren (nyt navn)", cvr="12345678") == found


# Every change is in the project's history ----------------------------------------------------


def test_every_change_to_the_destination_is_in_the_projects_history(project, syddjurs, aarhus):
    def entries(model) -> list[int]:
        content_type = ContentType.objects.get_for_model(model)
        return sorted(
            project_history(project, with_review_notes=False)
            .filter(content_type=content_type)
            .values_list("action", flat=True)
        )

    create, update, delete = (
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    )
    decision = decide(project, syddjurs, POSTPONED)
    decide(project, syddjurs, IN_OPERATION)
    indicator = factories.BenefitIndicatorFactory(project=project)
    indicator.title = "Timer brugt på post"
    indicator.save()
    measurement = measure(indicator, 700)
    measurement.delete()
    spending = services.record_spending(spending=Spending(project=project, year=2023))
    spending.external_dkk = 10_000
    spending.save()
    link = services.link_supplier(
        link=ProjectSupplier(project=project, role=SupplierRole.LEGAL), supplier_name="Advokat"
    )
    participation = Participation.objects.create(
        project=project, organisation=aarhus, kind=ParticipationKind.ADOPTER
    )
    participation.kind = ParticipationKind.PARTNER
    participation.save()
    link.delete()
    decision.delete()

    assert entries(OperationDecision) == [create, update, delete]
    assert entries(BenefitIndicator) == [create, update]
    assert entries(BenefitMeasurement) == [create, delete]
    assert entries(Spending) == [create, update]
    assert entries(ProjectSupplier) == [create, delete]
    assert entries(Participation) == [create, update]
    # Measurements keep the indicator's latest value; that is not a change anyone made.
    indicator_changes = [
        entry.changes_dict
        for entry in project_history(project, with_review_notes=False).filter(
            content_type=ContentType.objects.get_for_model(BenefitIndicator)
        )
    ]
    assert not any("latest_value" in changes for changes in indicator_changes)
    # Another project's history shows none of it.
    other = factories.ProjectFactory()
    destination_types = [
        ContentType.objects.get_for_model(model)
        for model in (
            OperationDecision,
            BenefitIndicator,
            BenefitMeasurement,
            Spending,
            ProjectSupplier,
            Participation,
        )
    ]
    assert not project_history(other, with_review_notes=False).filter(
        content_type__in=destination_types
    )

    labels = {
        row.record_label for row in history_rows(project_history(project, with_review_notes=False))
    }
    for model in (OperationDecision, BenefitIndicator, BenefitMeasurement, Spending, Participation):
        assert str(model._meta.verbose_name) in labels


def test_participants_added_through_the_project_are_in_its_history(project, aarhus):
    project.participants.add(aarhus, through_defaults={"kind": ParticipationKind.ADOPTER})
    project_type = ContentType.objects.get_for_model(Project)
    changes = [
        entry.changes_dict
        for entry in project_history(project, with_review_notes=False).filter(
            content_type=project_type
        )
    ]
    assert any("participants" in change for change in changes)


def test_a_project_is_deleted_with_its_records_without_recomputing_it_for_each(project, syddjurs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    decide(project, syddjurs)
    indicator = factories.BenefitIndicatorFactory(project=project, organisation=syddjurs)
    for month in range(1, 7):
        factories.BenefitMeasurementFactory(indicator=indicator, measured_on=date(2024, month, 1))
    factories.SpendingFactory(project=project, year=2024)
    # Each of the eight rows would otherwise lock and recompute the project on its way out.
    with CaptureQueriesContext(connection) as queries:
        Project.objects.filter(pk=project.pk).delete()
    assert not [q for q in queries if 'UPDATE "projects_project"' in q["sql"]]
    assert not [q for q in queries if "FOR NO KEY UPDATE" in q["sql"]]
    project = factories.ProjectFactory()
    decide(project, project.lead_organisation)
    with CaptureQueriesContext(connection) as queries:
        project.delete()
    assert not [q for q in queries if 'UPDATE "projects_project"' in q["sql"]]
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not BenefitMeasurement.objects.exists()


def test_a_failed_project_deletion_leaves_the_project_recomputed_on_later_writes(project, syddjurs):
    from django.db.models.signals import pre_delete

    def refuse(sender, **kwargs):
        raise RuntimeError("the database went away")

    pre_delete.connect(refuse, sender=OperationDecision, dispatch_uid="refuse-test")
    decide(project, syddjurs, POSTPONED, reason_category=StopReason.CAPACITY, reason="Senere.")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            project.delete()
    finally:
        pre_delete.disconnect(dispatch_uid="refuse-test", sender=OperationDecision)
    decide(project, syddjurs, IN_OPERATION)
    assert stored(project).outcome == Outcome.IN_OPERATION


# Records stay where they belong -------------------------------------------------------------


def test_a_decision_of_an_organisation_that_left_the_project_no_longer_counts(
    project, syddjurs, aarhus
):
    project.participants.add(aarhus)
    decide(project, aarhus)
    assert stored(project).outcome == Outcome.IN_OPERATION
    # The admin's inline (or plain ORM) removes Aarhus; its decision stays recorded.
    Participation.objects.filter(project=project, organisation=aarhus).delete()
    assert OperationDecision.objects.filter(project=project, organisation=aarhus).exists()
    assert stored(project).outcome == Outcome.ONGOING


def test_a_stale_copy_of_an_indicator_does_not_erase_its_latest_measurement(project, syddjurs):
    indicator = factories.BenefitIndicatorFactory(
        project=project, organisation=syddjurs, baseline_value=0, target_value=100
    )
    stale = BenefitIndicator.objects.get(pk=indicator.pk)
    factories.BenefitMeasurementFactory(indicator=indicator, value=50)
    stale.owner = "Ny gevinstejer"
    stale.save()
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.owner) == (Decimal("50"), "Ny gevinstejer")
    assert stored(project).realisation_percent == Decimal("50.0")


def test_a_measurement_always_belongs_to_its_indicators_project(project, syddjurs):
    indicator = factories.BenefitIndicatorFactory(
        project=project, organisation=syddjurs, baseline_value=0, target_value=100
    )
    elsewhere = factories.ProjectFactory()
    measurement = BenefitMeasurement.objects.create(
        indicator=indicator, project=elsewhere, measured_on=TODAY(), value=40
    )
    assert measurement.project_id == project.pk
    assert stored(project).realisation_percent == Decimal("40.0")


@pytest.mark.parametrize("kind", ["decision", "indicator", "spending"])
def test_a_record_cannot_move_to_another_project(project, syddjurs, kind):
    record = {
        "decision": lambda: decide(project, syddjurs),
        "indicator": lambda: factories.BenefitIndicatorFactory(
            project=project, organisation=syddjurs
        ),
        "spending": lambda: factories.SpendingFactory(project=project),
    }[kind]()
    record = type(record).objects.get(pk=record.pk)
    record.project = factories.ProjectFactory()
    with pytest.raises(ValidationError):
        record.save()
    assert type(record).objects.get(pk=record.pk).project_id == project.pk


def test_the_baseline_cannot_move_after_its_measurements_on_any_path(project, syddjurs):
    indicator = factories.BenefitIndicatorFactory(
        project=project, organisation=syddjurs, baseline_on=date(2023, 1, 1)
    )
    factories.BenefitMeasurementFactory(indicator=indicator, measured_on=date(2023, 6, 1))
    indicator.baseline_on = date(2023, 9, 1)
    assert refused_fields(indicator.full_clean) == {"baseline_on"}


def test_hours_and_kroner_are_counted_in_their_own_unit(project, syddjurs):
    indicator = factories.BenefitIndicatorFactory.build(
        project=project, organisation=syddjurs, kind="hours", unit="minutter pr. sag"
    )
    assert "unit" in refused_fields(indicator.full_clean)
    indicator.unit = "Timer om året"  # the kind's own unit, in other words
    indicator.full_clean()
    assert indicator.unit == ""
    indicator.kind, indicator.unit = "quality", "minutter pr. sag"
    indicator.full_clean()  # other kinds have their own units


def test_a_stop_is_the_lead_organisations_decision_not_to_run_it(project, open_phase):
    stop(project, closing_reason=StopReason.DATA_PROTECTION)
    lead = OperationDecision.objects.get(project=project, organisation=project.lead_organisation)
    assert (lead.decision, lead.reason_category, lead.reason, lead.decided_by) == (
        NOT_TO,
        StopReason.DATA_PROTECTION,
        "Der er ikke hjemmel til drift.",
        "Styregruppen",
    )
    assert stored(project).outcome == Outcome.STOPPED
