from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, OuterRef, Q
from django.utils import timezone

from projects.demo import catalogue
from projects.demo.seed import SYNTHETIC_MARK
from projects.models import (
    Barrier,
    BenefitIndicator,
    BenefitMeasurement,
    Decision,
    FundingRound,
    LegalQuestion,
    LessonLearned,
    Membership,
    OperationDecision,
    OperationDecisionKind,
    Organisation,
    Outcome,
    Participation,
    ParticipationKind,
    Phase,
    Project,
    ProjectObligation,
    ProjectSupplier,
    Realisation,
    Spending,
    StatusUpdate,
    Supplier,
    derive_obligations,
    refresh_derived,
)
from projects.models.destination import refresh_indicator

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)
MODELS = [
    Organisation,
    Membership,
    FundingRound,
    Project,
    Phase,
    StatusUpdate,
    Barrier,
    Decision,
    LessonLearned,
    Participation,
    OperationDecision,
    BenefitIndicator,
    BenefitMeasurement,
    Spending,
    Supplier,
    ProjectSupplier,
    ProjectObligation,
    LegalQuestion,
    get_user_model(),
]
DERIVED = [
    "current_phase",
    "current_status",
    "last_status_on",
    "help_requested",
    "outcome",
    "realisation_percent",
    "consultant_share",
]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_creates_the_programme_and_prints_the_logins():
    output = seed()
    assert Project.objects.count() == len(catalogue.PROJECTS)
    assert Organisation.objects.filter(kind="agency").count() == 1
    assert FundingRound.objects.count() == 3
    for user in catalogue.DEMO_USERS:
        assert user.username in output
    assert catalogue.DEMO_PASSWORD in output
    norddjurs = get_user_model().objects.get(username="norddjurs-koordinator")
    assert norddjurs.check_password(catalogue.DEMO_PASSWORD)
    mails = Project.objects.get(title="Intelligent fordeling og journalisering af mails")
    assert mails.lead_organisation.name == "Norddjurs Kommune"
    assert mails.phases.filter(ended_on__isnull=True).get().kind == "scaling"
    assert mails.barriers.exists() and mails.lessons.exists() and mails.status_updates.exists()
    smartmail = Project.objects.get(title="Smartmail – udbredelse")
    assert smartmail.participants.count() == 4


def test_seed_twice_creates_nothing_twice():
    seed("--projects", "5", "--seed", "3")
    before = counts()
    seed("--projects", "5", "--seed", "3")
    assert counts() == before


def test_if_empty_leaves_a_database_with_data_alone():
    seed()
    Project.objects.filter(title="Smartmail – udbredelse").delete()
    output = seed("--if-empty")
    assert "already has data" in output
    assert not Project.objects.filter(title="Smartmail – udbredelse").exists()


def test_synthetic_projects_have_the_requested_counts():
    seed("--projects", "40", "--seed", "11")
    synthetic = Project.objects.filter(title__contains=f"({SYNTHETIC_MARK} 11-")
    assert synthetic.count() == 40
    per_project = synthetic.aggregate(
        updates=Count("status_updates", distinct=True),
        barriers=Count("barriers", distinct=True),
        lessons=Count("lessons", distinct=True),
    )
    # Around 30 updates, 5 barriers and 3 lessons a project.
    assert 20 * 40 <= per_project["updates"] <= 40 * 40
    assert 3 * 40 <= per_project["barriers"] <= 7 * 40
    assert 1 * 40 <= per_project["lessons"] <= 5 * 40


def test_synthetic_projects_are_the_same_for_the_same_seed():
    def snapshot():
        return list(
            Project.objects.filter(title__contains=SYNTHETIC_MARK)
            .order_by("title")
            .values_list(
                "title",
                "lead_organisation__name",
                "current_phase",
                "outcome",
                "realisation_percent",
                "consultant_share",
            )
        )

    seed("--projects", "15", "--seed", "5")
    first = snapshot()
    Project.objects.filter(title__contains=SYNTHETIC_MARK).delete()
    seed("--projects", "15", "--seed", "5")
    assert snapshot() == first
    Project.objects.filter(title__contains=SYNTHETIC_MARK).delete()
    seed("--projects", "15", "--seed", "6")
    assert snapshot() != first


def test_seed_adds_only_the_missing_synthetic_projects():
    seed("--projects", "10", "--seed", "2")
    seed("--projects", "25", "--seed", "2")
    assert Project.objects.filter(title__contains=f"({SYNTHETIC_MARK} 2-").count() == 25


def test_denormalised_phase_and_status_match_the_history():
    seed("--projects", "30", "--seed", "4")
    for project in Project.objects.annotate(last_update=Max("status_updates__reported_on")):
        latest_phase = project.phases.order_by("-started_on", "-id").first()
        assert project.current_phase == latest_phase.kind
        assert project.phases.filter(ended_on__isnull=True).count() <= 1
        assert project.last_status_on == project.last_update
        latest = project.status_updates.order_by("-reported_on", "-id").first()
        assert project.current_status == latest.overall_status
    for phase in Phase.objects.exclude(ended_on=None):
        assert phase.ended_on >= phase.started_on
        assert phase.gate_decision


def test_negative_project_count_is_refused():
    with pytest.raises(CommandError, match="cannot be negative"):
        seed("--projects", "-1")


def test_malformed_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today", "28/11/2026", stdout=StringIO())


# Where the projects end up: decisions, benefits, spending and suppliers


@pytest.fixture
def seeded():
    seed("--projects", "60", "--seed", "8")


def test_derived_fields_are_what_refresh_derived_computes(seeded):
    projects = {row["pk"]: row for row in Project.objects.values("pk", *DERIVED)}
    indicators = set(BenefitIndicator.objects.values_list("pk", "latest_value", "latest_on"))
    assert any(row["realisation_percent"] is not None for row in projects.values())
    for pk, _value, _on in indicators:
        refresh_indicator(pk)
    for pk in projects:
        refresh_derived(pk)
    assert set(BenefitIndicator.objects.values_list("pk", "latest_value", "latest_on")) == (
        indicators
    )
    recomputed = {row["pk"]: row for row in Project.objects.values("pk", *DERIVED)}
    assert [projects[pk] for pk in sorted(projects)] == [recomputed[pk] for pk in sorted(projects)]


def test_the_real_projects_end_where_the_catalogue_says(seeded):
    outcomes = dict(Project.objects.values_list("title", "outcome"))
    assert {spec.title: outcomes[spec.title] for spec in catalogue.PROJECTS} == {
        spec.title: spec.outcome for spec in catalogue.PROJECTS
    }


def test_closed_projects_and_organisations_that_said_no_give_a_reason(seeded):
    closed = Project.objects.filter(outcome__in=Outcome.closed_values())
    assert closed.filter(title__contains=SYNTHETIC_MARK).exists()
    assert not closed.filter(closing_reason="").exists()
    assert not closed.filter(outcome_note="").exists()
    refusals = OperationDecision.objects.filter(decision__in=OperationDecisionKind.needing_reason())
    assert refusals.filter(decision=OperationDecisionKind.NOT_TO).exists()
    assert refusals.filter(decision=OperationDecisionKind.POSTPONED).exists()
    assert refusals.values("reason_category").distinct().count() >= 4
    assert not refusals.filter(reason_category="").exists()
    assert not refusals.filter(reason="").exists()
    assert (
        not OperationDecision.objects.filter(decision=OperationDecisionKind.IN_OPERATION)
        .exclude(reason_category="")
        .exists()
    )


def test_organisations_other_than_the_lead_run_solutions_and_adopters_spread_them(seeded):
    running = OperationDecision.objects.filter(decision=OperationDecisionKind.IN_OPERATION)
    assert running.exclude(organisation=F("project__lead_organisation")).exists()
    adopters = Participation.objects.filter(kind=ParticipationKind.ADOPTER)
    assert adopters.filter(project__title="Smartmail – udbredelse").count() == 4
    assert adopters.filter(project__title__contains=SYNTHETIC_MARK).exists()
    for participation in adopters.filter(
        organisation__in=running.filter(project=OuterRef("project")).values("organisation")
    ):
        assert participation.project.outcome == Outcome.SCALED
    assert Project.objects.filter(outcome=Outcome.IN_OPERATION).exists()
    for project in Project.objects.filter(outcome__in=[Outcome.IN_OPERATION, Outcome.SCALED]):
        assert running.filter(project=project).exists()


def test_escalated_barriers_say_what_they_ask_of_the_agency(seeded):
    escalated = Barrier.all_objects.filter(escalated=True)
    assert escalated.filter(title=catalogue.GDPR_BASIS.title).exists()
    assert escalated.filter(project__title__contains=SYNTHETIC_MARK).exists()
    assert not escalated.filter(escalation_request="").exists()
    assert not escalated.filter(escalated_on=None).exists()
    # Escalated by whoever recorded the barrier (nobody, where the lead has no demo user).
    assert escalated.exclude(escalated_by=None).exists()
    assert all(barrier.escalated_by_id == barrier.author_id for barrier in escalated)
    # Requests of their own, not the text given to escalations older than the request.
    assert not escalated.filter(escalation_request__contains="blev eskaleret, før").exists()
    for barrier in Barrier.all_objects.filter(identified_on__lte=timezone.localdate()):
        barrier.full_clean()


def test_a_seeded_stop_has_a_rationale_of_its_own(seeded):
    """The gate's rationale is not the outcome note: the page shows both."""
    stops = Phase.objects.filter(gate_decision="stop").select_related("project")
    assert stops.count() >= 5
    for phase in stops:
        assert phase.rationale.strip()
        assert phase.rationale != phase.project.outcome_note, phase.project.title
    for decision in Decision.objects.filter(kind="stop").select_related("project"):
        assert decision.description != decision.project.outcome_note


def test_decisions_and_indicators_belong_to_organisations_on_the_project(seeded):
    for model in (OperationDecision, BenefitIndicator):
        for row in model.objects.select_related("project").prefetch_related(
            "project__participants"
        ):
            assert row.project.has_organisation(row.organisation_id)


def test_benefits_are_measured_against_a_baseline(seeded):
    mails = BenefitIndicator.objects.filter(
        project__title="Intelligent fordeling og journalisering af mails"
    )
    assert not mails.filter(baseline_value=None).exists()
    assert not mails.filter(baseline_method="").exists()
    assert not mails.filter(owner="").exists()
    states = {indicator.realisation.state for indicator in BenefitIndicator.objects.all()}
    assert {Realisation.REACHED, Realisation.UNDERWAY, Realisation.AWAY} <= states
    assert Realisation.NOT_MEASURED in states
    assert (
        BenefitMeasurement.objects.values("indicator")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .exists()
    )
    for measurement in BenefitMeasurement.objects.select_related("indicator"):
        assert measurement.project_id == measurement.indicator.project_id
        assert measurement.measured_on >= measurement.indicator.baseline_on
        assert measurement.measured_on <= TODAY


def test_spending_is_split_per_year_and_suppliers_are_records(seeded):
    assert not Project.objects.filter(consultant_share=None).exists()
    spending = Spending.objects.filter(project__title="Intelligent flådestyring")
    assert spending.count() >= 5
    assert spending.filter(competence_built=True).exclude(competence_roles="").exists()
    assert not Spending.objects.filter(competence_built=False).exclude(competence_roles="").exists()
    years = Spending.objects.values("project").annotate(n=Count("pk"), years=Count("year"))
    assert all(row["n"] == row["years"] for row in years)
    assert ProjectSupplier.objects.filter(project__title__contains=SYNTHETIC_MARK).exists()
    for supplier in Supplier.objects.all():
        # Fictitious: a real CVR number never begins with 0.
        assert supplier.cvr == "" or supplier.cvr.startswith("0")


def test_every_seeded_record_keeps_the_models_rules():
    # Seeded up to the real today: the models refuse dates in the future.
    call_command(
        "seed_demo",
        "--projects",
        "25",
        "--seed",
        "9",
        "--today",
        timezone.localdate().isoformat(),
        stdout=StringIO(),
    )
    for model in (
        Project,
        Participation,
        OperationDecision,
        BenefitIndicator,
        BenefitMeasurement,
        Spending,
        Supplier,
        ProjectSupplier,
        ProjectObligation,
        LegalQuestion,
    ):
        for row in model.objects.all():
            row.full_clean()


# Compliance: risk profiles, AI Act obligations and legal questions


def _obligations(project_ids) -> dict[int, set[tuple]]:
    """Each project's obligations as derived: which, due when, superseded or not."""
    held = {pk: set() for pk in project_ids}
    for project_id, obligation, due_on, superseded_on in ProjectObligation.objects.filter(
        project_id__in=project_ids
    ).values_list("project_id", "obligation__code", "due_on", "superseded_on"):
        held[project_id].add((obligation, due_on, superseded_on))
    return held


def test_every_project_has_the_obligations_its_profile_implies(seeded):
    projects = Project.objects.order_by("pk")
    real = list(projects.exclude(title__contains=SYNTHETIC_MARK).values_list("pk", flat=True))
    synthetic = list(projects.filter(title__contains=SYNTHETIC_MARK).values_list("pk", flat=True))
    synthetic = synthetic[::3]
    sample = real + synthetic
    assert len(sample) >= len(catalogue.PROJECTS) + 15
    seeded_obligations = _obligations(sample)
    assert all(seeded_obligations.values())  # art. 4 and 5 at least, for everyone
    statuses = dict(ProjectObligation.objects.values_list("pk", "status"))
    for pk in sample:
        derive_obligations(pk)
    assert _obligations(sample) == seeded_obligations
    # Deriving again changed nothing of how far they are met.
    assert dict(ProjectObligation.objects.values_list("pk", "status")) == statuses


def test_the_real_projects_have_varied_risk_profiles(seeded):
    real = Project.objects.exclude(title__contains=SYNTHETIC_MARK)
    classes = Counter(real.values_list("ai_act_risk_class", flat=True))
    assert classes["minimal"] + classes["limited"] > len(catalogue.PROJECTS) / 2
    high_in_annex_iii = real.filter(
        ai_act_risk_class="high", ai_act_role="deployer", lead_organisation__kind="municipality"
    ).exclude(annex_iii_area="")
    assert high_in_annex_iii.count() >= 2
    air = real.get(title="AIR – rehabilitering")
    assert (air.area, air.ai_act_risk_class, air.annex_iii_area) == (
        "elderly",
        "high",
        "essential_services",
    )
    codes = set(air.obligations.values_list("obligation__code", flat=True))
    assert {"art26-2-human-oversight", "art27-fria", "art49-3-deployer-registration"} <= codes
    # In critical infrastructure (Annex III point 2) art. 26 applies, but not art. 27 or 49(3).
    energy = real.get(annex_iii_area="critical_infrastructure")
    codes = set(energy.obligations.values_list("obligation__code", flat=True))
    assert "art26-1-instructions" in codes
    assert not {"art27-fria", "art49-3-deployer-registration"} & codes
    assert real.filter(ai_act_role="provider", ai_act_risk_class="high").exists()
    completed = real.filter(dpia_status="completed")
    assert completed.count() >= 4
    for project in completed:
        assert project.dpia_completed_on and project.dpia_completed_on <= TODAY
        assert project.dpia_link.startswith("https://") and project.dpia_approved_by
    assert not real.exclude(dpia_status="completed").exclude(dpia_completed_on=None).exists()


def _running() -> list[Project]:
    return list(
        Project.objects.filter(
            Q(current_phase__in=["operation", "scaling"])
            | Q(outcome__in=["in_operation", "scaled"])
        )
    )


def test_solutions_in_operation_have_met_what_was_due_before_operation(seeded):
    running = _running()
    assert len(running) >= 10
    overridden = set(
        Phase.objects.exclude(obligations_override_reason="").values_list("project", flat=True)
    )
    assert overridden, "the demo shows going into operation with an allowed open obligation"
    before_operation = ["clarification", "development", "trial", "implementation"]
    for project in running:
        still_open = ProjectObligation.objects.open().filter(
            project=project, obligation__phase__in=before_operation
        )
        assert project.pk in overridden or not still_open.exists(), project.title
    building = Project.objects.get(title="Kortere svartid i byggesagsbehandling")
    assert building.pk in overridden
    gate = building.phases.get(kind="implementation")
    assert gate.obligations_overridden_by.username == "ds-admin"
    assert list(
        ProjectObligation.objects.open()
        .filter(project=building)
        .values_list("obligation__code", flat=True)
    ) == ["art50-transparency"]


def test_obligations_are_marked_as_far_as_each_project_got(seeded):
    held = ProjectObligation.objects.current()
    statuses = Counter(held.values_list("status", flat=True))
    assert all(statuses[status] for status in ("not_started", "in_progress", "done"))
    assert statuses["not_applicable"]
    for row in held.filter(status="done"):
        assert row.completed_on and row.completed_on <= TODAY
        assert row.evidence and row.owner and row.approved_by
    assert not held.filter(status="not_applicable", not_applicable_reason="").exists()
    # Some ongoing projects are behind, not all.
    live = Project.objects.live()
    overdue = live.filter(obligations__in=ProjectObligation.objects.overdue(TODAY)).distinct()
    assert 0 < overdue.count() < live.count()
    # A project that closed without operation keeps no open obligation.
    assert (
        not ProjectObligation.objects.open()
        .filter(project__outcome__in=Outcome.closed_values())
        .exists()
    )


def test_legal_questions_with_shared_answers_and_open_ones(seeded):
    real = LegalQuestion.objects.exclude(project__title__contains=SYNTHETIC_MARK)
    shared = real.shared_answers()
    assert shared.filter(asked_to="datatilsynet", legal_area="gdpr").exists()
    assert shared.filter(asked_to="kl", legal_area="procurement").exists()
    assert real.filter(status="open").count() >= 2
    assert real.filter(status="answered", shared=False).exists()
    from_barrier = real.exclude(barrier=None)
    assert from_barrier.exists()
    for question in from_barrier:
        assert question.barrier.project_id == question.project_id
        assert question.asked_on >= question.barrier.identified_on
    for question in LegalQuestion.objects.all():
        assert question.asked_on <= TODAY
        assert question.answered_on is None or question.asked_on <= question.answered_on <= TODAY
    synthetic = LegalQuestion.objects.filter(project__title__contains=SYNTHETIC_MARK)
    assert synthetic.shared_answers().exists() and synthetic.filter(status="open").exists()


def test_synthetic_projects_are_mostly_of_low_risk():
    seed("--projects", "150", "--seed", "12")
    synthetic = Project.objects.filter(title__contains=SYNTHETIC_MARK)
    classes = Counter(synthetic.values_list("ai_act_risk_class", flat=True))
    assert classes["minimal"] + classes["limited"] > 150 / 2
    assert classes["high"] and classes["not_assessed"]
    assert not synthetic.exclude(ai_act_risk_class="high").exclude(annex_iii_area="").exists()
    assert synthetic.filter(ai_act_risk_class="high").exclude(annex_iii_area="").exists()
    assert synthetic.filter(dpia_status="completed").exclude(dpia_completed_on=None).exists()
