"""The coordinator's workflow through the pages, as a coordinator would use it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import (
    Barrier,
    BarrierStatus,
    Decision,
    DecisionKind,
    GateDecision,
    LessonLearned,
    OperationDecision,
    OperationDecisionKind,
    Outcome,
    Phase,
    PhaseKind,
    Project,
    StatusUpdate,
    StopReason,
)
from tests import factories, payloads
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def open_phase(project):
    return factories.PhaseFactory(
        project=project, kind=PhaseKind.CLARIFICATION, started_on=date(2022, 1, 1)
    )


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


# Status updates


def test_status_update_is_saved_and_sets_the_project_status(signed_in, project):
    url = reverse("status_update_create", args=[project.pk])
    response = signed_in.post(
        url,
        {
            "reported_on": TODAY().isoformat(),
            "progress": "Modellen er trænet.",
            "submission_token": payloads.token(),
            **payloads.lights(overall_status="red"),
        },
        follow=True,
    )
    assert "Statusopdateringen er gemt." in response.content.decode()
    project.refresh_from_db()
    assert (project.current_status, project.last_status_on) == ("red", TODAY())
    update = StatusUpdate.objects.get(project=project)
    assert update.author.username == response.context["user"].username


def test_a_backdated_update_does_not_replace_the_latest_status(signed_in, project):
    factories.StatusUpdateFactory(
        project=project, reported_on=date(2024, 6, 1), overall_status="yellow"
    )
    signed_in.post(
        reverse("status_update_create", args=[project.pk]),
        {
            "submission_token": payloads.token(),
            "reported_on": "2023-01-01",
            "progress": "Efterregistreret.",
            **payloads.lights(overall_status="red"),
        },
    )
    project.refresh_from_db()
    assert (project.current_status, project.last_status_on) == ("yellow", date(2024, 6, 1))
    assert project.status_updates.count() == 2


def test_help_needed_without_text_comes_back_with_the_input(signed_in, project):
    response = signed_in.post(
        reverse("status_update_create", args=[project.pk]),
        {
            "submission_token": payloads.token(),
            "reported_on": TODAY().isoformat(),
            "progress": "Vi sidder fast med jura.",
            "help_needed": "on",
            **payloads.lights(),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vi sidder fast med jura." in html
    assert "Fortæl styrelsen, hvilken hjælp I har brug for." in html
    assert not StatusUpdate.objects.exists()


def test_a_future_reporting_date_is_refused(signed_in, project):
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    response = signed_in.post(
        reverse("status_update_create", args=[project.pk]),
        {
            "submission_token": payloads.token(),
            "reported_on": tomorrow,
            "progress": "x",
            **payloads.lights(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reported_on"]


def test_unknown_traffic_light_is_a_form_error(signed_in, project):
    response = signed_in.post(
        reverse("status_update_create", args=[project.pk]),
        {
            "submission_token": payloads.token(),
            "reported_on": TODAY().isoformat(),
            "progress": "x",
            **payloads.lights(overall_status="blue"),
        },
    )
    assert response.status_code == 200
    assert "overall_status" in response.context["form"].errors


# Phases and gate decisions


def test_go_closes_the_phase_and_opens_the_next_in_one_step(signed_in, project, open_phase):
    response = signed_in.post(
        reverse("phase_advance", args=[project.pk]), payloads.gate_decision("go")
    )
    assert response.status_code == 302
    open_phase.refresh_from_db()
    assert open_phase.ended_on == TODAY() and open_phase.gate_decision == GateDecision.GO
    current = Phase.objects.get(project=project, ended_on__isnull=True)
    assert current.kind == PhaseKind.DEVELOPMENT and current.started_on == TODAY()
    project.refresh_from_db()
    assert project.current_phase == PhaseKind.DEVELOPMENT
    assert Decision.objects.get(project=project).kind == DecisionKind.GATE


def test_stop_ends_the_project(signed_in, project, open_phase):
    signed_in.post(reverse("phase_advance", args=[project.pk]), payloads.gate_decision("stop"))
    project.refresh_from_db()
    assert project.outcome == Outcome.STOPPED
    assert project.closing_reason == StopReason.BUSINESS_CASE
    assert project.outcome_note == "Gevinsten står ikke mål med driftsudgiften."
    assert not project.phases.filter(ended_on__isnull=True).exists()
    assert Decision.objects.get(project=project).kind == DecisionKind.STOP


def test_a_stop_must_say_why_the_solution_is_not_put_into_operation(signed_in, project, open_phase):
    response = signed_in.post(
        reverse("phase_advance", args=[project.pk]),
        payloads.gate_decision("stop", closing_reason="", closing_explanation="  "),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "closing_reason" in errors and "closing_explanation" in errors
    open_phase.refresh_from_db()
    project.refresh_from_db()
    assert open_phase.ended_on is None
    assert (project.outcome, project.closing_reason) == (Outcome.ONGOING, "")


def test_on_hold_keeps_the_phase_open(signed_in, project, open_phase):
    signed_in.post(reverse("phase_advance", args=[project.pk]), payloads.gate_decision("on_hold"))
    open_phase.refresh_from_db()
    assert open_phase.ended_on is None and open_phase.gate_decision == GateDecision.ON_HOLD
    assert project.phases.count() == 1


def test_go_with_conditions_needs_conditions(signed_in, project, open_phase):
    response = signed_in.post(
        reverse("phase_advance", args=[project.pk]), payloads.gate_decision("go_with_conditions")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["conditions"]
    assert "Data og hjemmel er afklaret." in response.content.decode()
    assert project.phases.count() == 1


def test_reaching_operation_marks_the_project_in_operation(project):
    factories.PhaseFactory(project=project, kind=PhaseKind.IMPLEMENTATION)
    factories.meet_obligations(project)
    services.advance_phase(
        project=project,
        decision="go",
        decided_on=TODAY(),
        decided_by="Styregruppen",
        rationale="Klar.",
        author=None,
    )
    project.refresh_from_db()
    assert (project.current_phase, project.outcome) == (PhaseKind.OPERATION, Outcome.IN_OPERATION)
    # The gate decision is the lead organisation's decision to run the solution.
    decision = OperationDecision.objects.get(project=project)
    assert decision.organisation == project.lead_organisation
    assert (decision.decision, decision.decided_on, decision.decided_by) == (
        OperationDecisionKind.IN_OPERATION,
        TODAY(),
        "Styregruppen",
    )


def test_go_after_the_last_phase_opens_nothing_new(project):
    factories.PhaseFactory(project=project, kind=PhaseKind.SCALING)
    services.advance_phase(
        project=project,
        decision="go",
        decided_on=TODAY(),
        decided_by="Styregruppen",
        rationale="Udbredt.",
        author=None,
    )
    assert not project.phases.filter(ended_on__isnull=True).exists()
    assert project.phases.count() == 1


def test_gate_decision_without_an_open_phase_is_a_clear_error(signed_in, project):
    response = signed_in.post(
        reverse("phase_advance", args=[project.pk]), payloads.gate_decision("go")
    )
    assert response.status_code == 200
    assert "Projektet har ingen åben fase" in response.content.decode()
    assert not Decision.objects.exists()


def test_gate_decision_before_the_phase_started_is_refused(signed_in, project, open_phase):
    response = signed_in.post(
        reverse("phase_advance", args=[project.pk]),
        payloads.gate_decision("go", decided_on="2021-12-31"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["decided_on"]
    open_phase.refresh_from_db()
    assert open_phase.ended_on is None


def test_unknown_gate_decision_is_a_form_error(signed_in, project, open_phase):
    response = signed_in.post(
        reverse("phase_advance", args=[project.pk]), payloads.gate_decision("maybe")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["decision"]


# Barriers


def test_barrier_is_recorded_with_its_author(signed_in, project, coordinator):
    response = signed_in.post(reverse("barrier_create", args=[project.pk]), payloads.barrier())
    assert response.status_code == 302
    barrier = Barrier.objects.get(project=project)
    assert barrier.author == coordinator and barrier.status == BarrierStatus.OPEN


def test_resolving_needs_a_resolution_and_keeps_the_date_typed(signed_in, project):
    barrier = factories.BarrierFactory(project=project, identified_on=date(2022, 3, 1))
    url = reverse("barrier_resolve", args=[project.pk, barrier.pk])
    response = signed_in.post(url, {"resolution": "   ", "resolved_on": "2022-04-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["resolution"]
    assert 'value="2022-04-01"' in response.content.decode()
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.OPEN


def test_resolving_before_the_barrier_was_found_is_refused(signed_in, project):
    barrier = factories.BarrierFactory(project=project, identified_on=date(2022, 3, 1))
    url = reverse("barrier_resolve", args=[project.pk, barrier.pk])
    response = signed_in.post(
        url, payloads.resolution(barrier, resolution="Løst.", resolved_on="2022-02-01")
    )
    assert response.context["form"].errors["resolved_on"]


def test_resolving_a_barrier(signed_in, project):
    barrier = factories.BarrierFactory(project=project, identified_on=date(2022, 3, 1))
    url = reverse("barrier_resolve", args=[project.pk, barrier.pk])
    response = signed_in.post(
        url,
        {"resolution": "Jurist har afklaret hjemlen.", "resolved_on": "2022-05-01", "version": 1},
        follow=True,
    )
    assert "Barrieren er markeret som løst." in response.content.decode()
    barrier.refresh_from_db()
    assert barrier.status == BarrierStatus.RESOLVED
    assert barrier.resolved_on == date(2022, 5, 1)


def test_editing_to_resolved_needs_resolution_and_date(signed_in, project):
    barrier = factories.BarrierFactory(project=project, identified_on=date(2022, 3, 1))
    url = reverse("barrier_edit", args=[project.pk, barrier.pk])
    response = signed_in.post(url, payloads.barrier(status="resolved", identified_on="2022-03-01"))
    errors = response.context["form"].errors
    assert "resolution" in errors and "resolved_on" in errors


def test_escalating_a_barrier_tells_the_agency(signed_in, project, coordinator):
    barrier = factories.BarrierFactory(project=project)
    url = reverse("barrier_escalate", args=[project.pk, barrier.pk])
    assert signed_in.post(url, {"escalation_request": " "}).status_code == 200  # says nothing
    barrier.refresh_from_db()
    assert not barrier.escalated
    signed_in.post(url, payloads.escalation(escalation_request="Vurdér hjemlen."))
    barrier.refresh_from_db()
    assert barrier.escalated and barrier.escalated_on == TODAY()
    assert (barrier.escalation_request, barrier.escalated_by) == ("Vurdér hjemlen.", coordinator)


# Decisions and lessons


def test_decision_links_the_barriers_it_addresses(signed_in, project):
    barrier = factories.BarrierFactory(project=project)
    response = signed_in.post(
        reverse("decision_create", args=[project.pk]),
        {
            "submission_token": payloads.token(),
            "decided_on": TODAY().isoformat(),
            "title": "Ny leverandør",
            "kind": "supplier",
            "description": "Vi skifter leverandør.",
            "barriers": [barrier.pk],
        },
    )
    assert response.status_code == 302
    assert list(Decision.objects.get(project=project).barriers.all()) == [barrier]


def test_decision_cannot_link_another_projects_barrier(signed_in, project, aarhus):
    foreign = factories.BarrierFactory(project=factories.ProjectFactory(lead_organisation=aarhus))
    response = signed_in.post(
        reverse("decision_create", args=[project.pk]),
        {
            "submission_token": payloads.token(),
            "decided_on": TODAY().isoformat(),
            "title": "x",
            "kind": "scope",
            "description": "y",
            "barriers": [foreign.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["barriers"]
    assert foreign.title not in response.content.decode()
    assert not Decision.objects.exists()


def test_the_decision_form_offers_only_this_projects_barriers(signed_in, project, aarhus):
    own = factories.BarrierFactory(project=project, title="Egen barriere")
    factories.BarrierFactory(
        project=factories.ProjectFactory(lead_organisation=aarhus), title="Fremmed barriere"
    )
    html = signed_in.get(reverse("decision_create", args=[project.pk])).content.decode()
    assert own.title in html and "Fremmed barriere" not in html


def test_lesson_from_a_barrier_is_prefilled(signed_in, project):
    barrier = factories.BarrierFactory(project=project, title="Data kom for sent", category="data")
    response = signed_in.get(reverse("lesson_create", args=[project.pk]) + f"?barrier={barrier.pk}")
    form = response.context["form"]
    assert form.initial["barrier"] == barrier.pk
    assert form.initial["category"] == "data"
    assert "Data kom for sent" in response.content.decode()


def test_lesson_from_another_projects_barrier_is_not_prefilled(signed_in, project, aarhus):
    foreign = factories.BarrierFactory(
        project=factories.ProjectFactory(lead_organisation=aarhus), title="Hemmelig barriere"
    )
    response = signed_in.get(reverse("lesson_create", args=[project.pk]) + f"?barrier={foreign.pk}")
    assert "Hemmelig barriere" not in response.content.decode()


def test_participant_shares_a_lesson(client, participant, project):
    client.force_login(participant)
    response = client.post(
        reverse("lesson_create", args=[project.pk]),
        {
            "submission_token": payloads.token(),
            "title": "Del data tidligt",
            "category": "data",
            "what_happened": "Data manglede.",
            "advice": "Aftal dataudtræk.",
            "visibility": "portfolio",
            "learned_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    lesson = LessonLearned.objects.get(project=project)
    assert lesson.author == participant and lesson.visibility == "portfolio"


# Projects


def test_coordinator_creates_a_project_for_their_organisation(signed_in, norddjurs):
    response = signed_in.post(reverse("project_create"), payloads.project(norddjurs))
    project = Project.objects.get(title="AI i borgerservice")
    assert response["Location"] == reverse("project_detail", args=[project.pk])
    assert project.lead_organisation == norddjurs
    phase = project.phases.get()
    assert (phase.kind, phase.started_on) == (PhaseKind.CLARIFICATION, date(2022, 1, 1))
    assert project.current_phase == PhaseKind.CLARIFICATION


def test_coordinator_cannot_create_a_project_for_another_organisation(signed_in, aarhus):
    response = signed_in.post(reverse("project_create"), payloads.project(aarhus))
    assert response.status_code == 200
    assert response.context["form"].errors["lead_organisation"]
    assert not Project.objects.exists()


def test_agency_administrator_creates_projects_for_any_organisation(client, administrator, aarhus):
    client.force_login(administrator)
    client.post(reverse("project_create"), payloads.project(aarhus))
    assert Project.objects.get().lead_organisation == aarhus


def test_dates_out_of_order_are_a_field_error_with_the_input_kept(signed_in, norddjurs):
    response = signed_in.post(
        reverse("project_create"),
        payloads.project(
            norddjurs, start_date="2026-01-01", planned_end_date="2025-01-01", grant_dkk="-5"
        ),
    )
    errors = response.context["form"].errors
    assert "planned_end_date" in errors and "grant_dkk" in errors
    html = response.content.decode()
    assert 'value="AI i borgerservice"' in html
    assert "Intet blev gemt." in html


def test_coordinator_edits_the_profile_but_not_the_lead_organisation(signed_in, project, aarhus):
    response = signed_in.post(
        reverse("project_edit", args=[project.pk]),
        payloads.project(
            aarhus,
            title="Nyt navn",
            dpia_status="completed",
            total_budget_dkk="1.200.000",
            benefits_note="Borgerne får hurtigere svar.",
            version=project.version,
        ),
        follow=True,
    )
    assert "Projektets profil er gemt." in response.content.decode()
    project.refresh_from_db()
    assert project.title == "Nyt navn" and project.dpia_status == "completed"
    assert project.total_budget_dkk == 1_200_000
    assert project.benefits_note == "Borgerne får hurtigere svar."
    assert project.lead_organisation.name == "Norddjurs Kommune"


# The project page


def test_project_page_shows_the_timeline_in_order(signed_in, project, open_phase):
    factories.StatusUpdateFactory(
        project=project, reported_on=date(2022, 2, 1), progress="Første opdatering"
    )
    factories.BarrierFactory(project=project, identified_on=date(2022, 3, 1), title="Datadeling")
    factories.LessonFactory(project=project, learned_on=date(2022, 4, 1), title="Lær af data")
    html = signed_in.get(reverse("project_detail", args=[project.pk])).content.decode()
    html = html[html.index('id="timeline-heading"') :]
    positions = [html.index(text) for text in ("Lær af data", "Datadeling", "Første opdatering")]
    assert positions == sorted(positions)


def test_project_page_queries_do_not_grow_with_the_timeline(signed_in, project, open_phase):
    def add_history(count):
        for number in range(count):
            day = date(2022, 2, 1) + timedelta(days=number)
            factories.StatusUpdateFactory(project=project, reported_on=day)
            barrier = factories.BarrierFactory(project=project, identified_on=day)
            decision = factories.DecisionFactory(project=project, decided_on=day)
            decision.barriers.add(barrier)
            factories.LessonFactory(project=project, learned_on=day, barrier=barrier)

    url = reverse("project_detail", args=[project.pk])
    add_history(2)
    small = count_queries(signed_in, url)
    add_history(40)
    assert count_queries(signed_in, url) == small
    assert count_queries(signed_in, url + "?timeline=all") == small


def test_project_page_offers_actions_by_role(
    client, project, coordinator, viewer, participant, open_phase
):
    url = reverse("project_detail", args=[project.pk])
    client.force_login(coordinator)
    html = client.get(url).content.decode()
    assert reverse("status_update_create", args=[project.pk]) in html
    client.force_login(viewer)
    html = client.get(url).content.decode()
    assert reverse("status_update_create", args=[project.pk]) not in html
    assert reverse("lesson_create", args=[project.pk]) not in html
    client.force_login(participant)
    html = client.get(url).content.decode()
    assert reverse("lesson_create", args=[project.pk]) in html
    assert reverse("phase_advance", args=[project.pk]) not in html
