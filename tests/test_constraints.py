"""Each data rule is enforced by the database itself, whatever code writes the row."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from projects.models import (
    Barrier,
    BarrierStatus,
    FundingRound,
    GateDecision,
    Membership,
    OperationDecision,
    OperationDecisionKind,
    Organisation,
    Outcome,
    Participation,
    ParticipationKind,
    Phase,
    PhaseKind,
    Project,
    Role,
    StatusUpdate,
    StopReason,
    SupplierRole,
    TrafficLight,
)
from tests import factories

pytestmark = pytest.mark.django_db


def assert_rejected(constraint: str, write):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        write()
    message = str(excinfo.value)
    # SQLite names check constraints in its message but not unique indexes.
    if connection.vendor == "postgresql" or "UNIQUE" not in message:
        assert constraint in message


def test_one_open_phase_per_project():
    phase = factories.PhaseFactory()
    assert_rejected(
        "phase_one_open_per_project",
        lambda: Phase.objects.create(
            project=phase.project, kind=PhaseKind.DEVELOPMENT, started_on=date(2022, 6, 1)
        ),
    )


def test_a_closed_phase_and_an_open_one_may_coexist():
    project = factories.ProjectFactory()
    factories.PhaseFactory(
        project=project,
        ended_on=date(2022, 5, 1),
        gate_decision=GateDecision.GO,
        decided_on=date(2022, 5, 1),
    )
    factories.PhaseFactory(project=project, kind=PhaseKind.DEVELOPMENT, started_on=date(2022, 5, 1))
    assert project.phases.count() == 2


def test_phase_cannot_end_before_it_starts():
    assert_rejected(
        "phase_end_not_before_start",
        lambda: factories.PhaseFactory(
            started_on=date(2022, 5, 1),
            ended_on=date(2022, 4, 30),
            gate_decision=GateDecision.GO,
            decided_on=date(2022, 4, 30),
        ),
    )


def test_phase_planned_end_cannot_precede_start():
    assert_rejected(
        "phase_planned_end_not_before_start",
        lambda: factories.PhaseFactory(
            started_on=date(2022, 5, 1), planned_end_on=date(2022, 1, 1)
        ),
    )


def test_ended_phase_needs_a_gate_decision_that_ends_it():
    assert_rejected(
        "phase_ended_by_gate_decision",
        lambda: factories.PhaseFactory(ended_on=date(2022, 5, 1)),
    )
    assert_rejected(
        "phase_ended_by_gate_decision",
        lambda: factories.PhaseFactory(
            ended_on=date(2022, 5, 1),
            gate_decision=GateDecision.ON_HOLD,
            decided_on=date(2022, 5, 1),
        ),
    )


def test_gate_decision_is_dated():
    assert_rejected(
        "phase_gate_decision_dated",
        lambda: factories.PhaseFactory(gate_decision=GateDecision.ON_HOLD),
    )


def test_one_membership_per_user_and_organisation():
    membership = factories.MembershipFactory()
    assert_rejected(
        "membership_one_per_user_and_organisation",
        lambda: Membership.objects.create(
            user=membership.user, organisation=membership.organisation, role=Role.VIEWER
        ),
    )


def test_membership_role_must_be_known():
    assert_rejected(
        "membership_role_valid",
        lambda: factories.MembershipFactory(role="owner"),
    )


def test_organisation_short_code_unique_when_given():
    Organisation.objects.create(name="A", kind="municipality", short_code="101")
    Organisation.objects.create(name="B", kind="municipality", short_code="")
    Organisation.objects.create(name="C", kind="municipality", short_code="")
    assert_rejected(
        "organisation_short_code_unique",
        lambda: Organisation.objects.create(name="D", kind="municipality", short_code="101"),
    )


def test_organisation_kind_must_be_known():
    assert_rejected(
        "organisation_kind_valid",
        lambda: Organisation.objects.create(name="X", kind="company"),
    )


def test_funding_round_pool_not_negative():
    assert_rejected(
        "funding_round_pool_not_negative",
        lambda: FundingRound.objects.create(name="R", year=2022, pool_dkk=-1),
    )


def test_funding_round_year_plausible():
    assert_rejected(
        "funding_round_year_plausible",
        lambda: FundingRound.objects.create(name="R", year=20222),
    )


@pytest.mark.parametrize("field", ["grant_dkk", "total_budget_dkk"])
def test_project_amounts_not_negative(field):
    assert_rejected(
        f"project_{field}_not_negative", lambda: factories.ProjectFactory(**{field: -1})
    )


@pytest.mark.parametrize(
    ("prefix", "factory", "field"),
    [
        ("operation_decision", factories.OperationDecisionFactory, "expected_hours_per_year"),
        ("operation_decision", factories.OperationDecisionFactory, "expected_dkk_per_year"),
        ("spending", factories.SpendingFactory, "external_hours"),
        ("spending", factories.SpendingFactory, "external_dkk"),
        ("spending", factories.SpendingFactory, "internal_hours"),
        ("spending", factories.SpendingFactory, "internal_dkk"),
    ],
)
def test_benefit_and_spending_amounts_not_negative(prefix, factory, field):
    assert_rejected(f"{prefix}_{field}_not_negative", lambda: factory(**{field: -1}))


def test_a_closed_project_says_why():
    for outcome in (Outcome.CLOSED, Outcome.STOPPED):
        assert_rejected(
            "project_closed_with_reason",
            lambda outcome=outcome: factories.ProjectFactory(outcome=outcome, closing_reason=""),
        )
    project = factories.ProjectFactory()
    assert_rejected(
        "project_closed_with_reason",
        lambda: Project.objects.filter(pk=project.pk).update(outcome=Outcome.STOPPED),
    )
    assert_rejected(
        "project_closing_reason_valid",
        lambda: factories.ProjectFactory(outcome=Outcome.STOPPED, closing_reason="weather"),
    )


def test_an_operation_decision_not_to_or_postponed_says_why():
    for decision in (OperationDecisionKind.NOT_TO, OperationDecisionKind.POSTPONED):
        for reason in ({"reason_category": "", "reason": "For dyrt."}, {"reason_category": "data"}):
            assert_rejected(
                "operation_decision_reason_given",
                lambda decision=decision, reason=reason: factories.OperationDecisionFactory(
                    decision=decision, **reason
                ),
            )


def test_an_operation_decision_is_dated_unless_undecided():
    assert_rejected(
        "operation_decision_dated",
        lambda: factories.OperationDecisionFactory(decided_on=None),
    )


def test_one_operation_decision_per_organisation_and_project():
    decision = factories.OperationDecisionFactory()
    assert_rejected(
        "operation_decision_one_per_organisation",
        lambda: OperationDecision.objects.create(
            project=decision.project,
            organisation=decision.organisation,
            decision=OperationDecisionKind.UNDECIDED,
        ),
    )


def test_one_spending_row_per_project_and_year():
    spending = factories.SpendingFactory(year=2023)
    assert_rejected(
        "spending_one_per_year",
        lambda: factories.SpendingFactory(project=spending.project, year=2023),
    )
    assert_rejected("spending_year_plausible", lambda: factories.SpendingFactory(year=1999))


def test_a_baseline_is_dated():
    assert_rejected(
        "benefit_indicator_baseline_dated",
        lambda: factories.BenefitIndicatorFactory(baseline_on=None),
    )


def test_a_supplier_is_registered_once():
    factories.SupplierFactory(name="Netcompany A/S", cvr="14814833")
    assert_rejected(
        "supplier_name_unique", lambda: factories.SupplierFactory(name="NETCOMPANY a/s")
    )
    assert_rejected(
        "supplier_cvr_unique",
        lambda: factories.SupplierFactory(name="Netcompany Holding", cvr="14814833"),
    )
    # Suppliers without a CVR number do not collide with each other.
    factories.SupplierFactory(name="Konsulent ApS", cvr="")
    factories.SupplierFactory(name="Rådgiver ApS", cvr="")


def test_a_supplier_is_linked_once_per_role():
    link = factories.ProjectSupplierFactory()
    assert_rejected(
        "project_supplier_unique",
        lambda: factories.ProjectSupplierFactory(
            project=link.project, supplier=link.supplier, role=link.role
        ),
    )
    factories.ProjectSupplierFactory(
        project=link.project, supplier=link.supplier, role=SupplierRole.OPERATION
    )


def test_project_planned_end_not_before_start():
    assert_rejected(
        "project_planned_end_not_before_start",
        lambda: factories.ProjectFactory(
            start_date=date(2023, 1, 1), planned_end_date=date(2022, 12, 31)
        ),
    )


@pytest.mark.parametrize(
    ("constraint", "values"),
    [("project_area_valid", {"area": "space"}), ("project_outcome_valid", {"outcome": "won"})],
)
def test_project_choices_must_be_known(constraint, values):
    assert_rejected(constraint, lambda: factories.ProjectFactory(**values))


def test_help_needed_must_say_what_help():
    assert_rejected(
        "statusupdate_help_needed_explained",
        lambda: factories.StatusUpdateFactory(help_needed=True, help_text=""),
    )


def test_traffic_lights_must_be_known():
    project = factories.ProjectFactory()
    assert_rejected(
        "statusupdate_overall_status_valid",
        lambda: StatusUpdate.objects.create(
            project=project,
            reported_on=date(2022, 1, 1),
            overall_status="blue",
            schedule_status=TrafficLight.GREEN,
            budget_status=TrafficLight.GREEN,
            benefits_status=TrafficLight.GREEN,
            progress="x",
        ),
    )


def test_barrier_cannot_be_resolved_before_identified():
    assert_rejected(
        "barrier_resolved_not_before_identified",
        lambda: factories.BarrierFactory(
            identified_on=date(2022, 3, 1), resolved_on=date(2022, 2, 1)
        ),
    )


def test_resolved_barrier_needs_resolution_and_date():
    assert_rejected(
        "barrier_resolved_has_resolution",
        lambda: factories.BarrierFactory(
            status=BarrierStatus.RESOLVED, resolution="", resolved_on=date(2022, 4, 1)
        ),
    )
    assert_rejected(
        "barrier_resolved_has_resolution",
        lambda: factories.BarrierFactory(status=BarrierStatus.RESOLVED, resolution="Løst."),
    )


@pytest.mark.parametrize(
    ("constraint", "factory", "values"),
    [
        ("barrier_category_valid", factories.BarrierFactory, {"category": "weather"}),
        ("barrier_status_valid", factories.BarrierFactory, {"status": "forgotten"}),
        ("decision_kind_valid", factories.DecisionFactory, {"kind": "whim"}),
        ("lesson_category_valid", factories.LessonFactory, {"category": "gossip"}),
        ("lesson_visibility_valid", factories.LessonFactory, {"visibility": "public"}),
        ("reviewnote_kind_valid", factories.ReviewNoteFactory, {"kind": "rant"}),
        ("operation_decision_valid", factories.OperationDecisionFactory, {"decision": "maybe"}),
        (
            "operation_decision_reason_valid",
            factories.OperationDecisionFactory,
            {"reason_category": "weather", "reason": "Regn."},
        ),
        ("benefit_indicator_kind_valid", factories.BenefitIndicatorFactory, {"kind": "joy"}),
        (
            "benefit_indicator_frequency_valid",
            factories.BenefitIndicatorFactory,
            {"frequency": "hourly"},
        ),
        ("project_supplier_role_valid", factories.ProjectSupplierFactory, {"role": "friend"}),
    ],
)
def test_log_choices_must_be_known(constraint, factory, values):
    assert_rejected(constraint, lambda: factory(**values))


def test_answered_review_note_has_an_answer():
    from django.utils import timezone

    assert_rejected(
        "reviewnote_answered_has_answer",
        lambda: factories.ReviewNoteFactory(answer="", answered_at=timezone.now()),
    )


def test_participation_kind_must_be_known():
    project = factories.ProjectFactory()
    assert_rejected(
        "participation_kind_valid",
        lambda: Participation.objects.create(
            project=project, organisation=factories.OrganisationFactory(), kind="spectator"
        ),
    )


def test_valid_rows_are_accepted():
    """Rows at the edge of every rule are accepted by the constraints and by the models'
    own validation alike, so the two never disagree on what is valid."""
    project = factories.ProjectFactory(grant_dkk=0, total_budget_dkk=0)
    update = factories.StatusUpdateFactory(project=project, help_needed=True, help_text="Hjælp os.")
    barrier = factories.BarrierFactory(
        project=project,
        status=BarrierStatus.RESOLVED,
        resolution="Aftale med leverandøren.",
        identified_on=date(2022, 3, 1),
        resolved_on=date(2022, 3, 1),
    )
    partner = factories.OrganisationFactory()
    adopter = factories.OrganisationFactory()
    project.participants.add(partner)
    project.participants.add(adopter, through_defaults={"kind": ParticipationKind.ADOPTER})
    undecided = factories.OperationDecisionFactory(
        project=project, decision=OperationDecisionKind.UNDECIDED, decided_on=None
    )
    postponed = factories.OperationDecisionFactory(
        project=project,
        organisation=partner,
        decision=OperationDecisionKind.POSTPONED,
        reason_category=StopReason.CAPACITY,
        reason="Vi venter på næste budgetår.",
        expected_hours_per_year=0,
        expected_dkk_per_year=0,
    )
    unmeasured = factories.BenefitIndicatorFactory(
        project=project, baseline_value=None, baseline_on=None, target_value=None, target_on=None
    )
    measurement = factories.BenefitMeasurementFactory(
        indicator=factories.BenefitIndicatorFactory(project=project, organisation=adopter),
        measured_on=date(2022, 1, 1),  # the baseline's day
        value=-5,
    )
    nothing_spent = factories.SpendingFactory(
        project=project,
        year=2000,
        external_hours=0,
        external_dkk=0,
        internal_hours=0,
        internal_dkk=0,
    )
    supplier = factories.SupplierFactory(cvr="")
    link = factories.ProjectSupplierFactory(project=project, supplier=supplier)
    stopped = factories.ProjectFactory(outcome=Outcome.STOPPED, closing_reason=StopReason.OTHER)
    rows = [project, update, barrier, undecided, postponed, unmeasured, measurement]
    for row in (*rows, nothing_spent, supplier, link, stopped):
        row.full_clean()
    stored = Barrier.objects.get(pk=barrier.pk)
    assert (stored.status, stored.resolved_on) == (BarrierStatus.RESOLVED, date(2022, 3, 1))
