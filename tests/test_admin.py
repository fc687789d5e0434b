"""Every admin page opens for a superuser, with data in place, and keeps the models' rules."""

import re
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from projects.access import roles_of
from projects.models import (
    ApiToken,
    BenefitMeasurement,
    LegalQuestion,
    Membership,
    Notification,
    Obligation,
    OperationDecision,
    OperationDecisionKind,
    Outcome,
    Participation,
    ProjectObligation,
    RegisterSnapshot,
    Role,
    Spending,
    StopReason,
    SubmittedForm,
)
from projects.services.api_tokens import create_api_token
from tests import factories

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def superuser_client(client):
    user = factories.UserFactory(username="root-admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def one_of_everything(project):
    factories.PhaseFactory(project=project)
    barrier = factories.BarrierFactory(project=project)
    decision = factories.DecisionFactory(project=project)
    decision.barriers.add(barrier)
    factories.StatusUpdateFactory(project=project)
    factories.LessonFactory(project=project, barrier=barrier)
    factories.ReviewNoteFactory(project=project)
    factories.MembershipFactory(organisation=project.lead_organisation)
    factories.OperationDecisionFactory(project=project)
    factories.BenefitMeasurementFactory(
        indicator=factories.BenefitIndicatorFactory(project=project)
    )
    factories.SpendingFactory(project=project)
    factories.ProjectSupplierFactory(project=project)
    factories.LegalQuestionFactory(project=project, barrier=barrier)
    factories.InvitationFactory(organisation=project.lead_organisation)
    create_api_token(user=factories.UserFactory(), name="Porteføljeudtræk")
    from projects.models import ExternalIdentity

    ExternalIdentity.objects.create(
        user=factories.UserFactory(), issuer="https://idp.example.dk", subject="person-1"
    )
    _notifications(project)
    _reuse_and_register(project)


def _reuse_and_register(project):
    from projects.models import RegisterState
    from tests.register_factories import record_in_state
    from tests.solution_factories import AdoptionFactory, SolutionFactory

    AdoptionFactory(solution=SolutionFactory(owner=project.lead_organisation))
    agency = factories.AgencyFactory()
    record_in_state(
        project,
        RegisterState.PUBLISHED,
        coordinator=factories.MembershipFactory(organisation=project.lead_organisation).user,
        reviewer=factories.MembershipFactory(organisation=agency, role=Role.REVIEWER).user,
    )


def _notifications(project):
    from projects.models import LanguagePreference, NotificationPreference
    from projects.services import write_review_note

    coordinator = factories.MembershipFactory(
        organisation=project.lead_organisation, user__email="koordinator@example.dk"
    ).user
    NotificationPreference.objects.create(user=coordinator, kind="digest", frequency="daily")
    LanguagePreference.objects.create(user=coordinator, language="en")
    # Writes the coordinator's e-mail into the outbox.
    write_review_note(project=project, kind="follow_up", text="Status?", author=None)


def _label(item):
    return item[0]._meta.label


@pytest.mark.parametrize("model_admin", MODEL_ADMINS, ids=_label)
def test_admin_pages_open(superuser_client, one_of_everything, model_admin):
    model, _ = model_admin
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert superuser_client.get(changelist).status_code == 200
    assert superuser_client.get(changelist, {"q": "æøå"}).status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    # Audit, login-attempt and saved-form records are written by the application, never by
    # hand; a project's obligations follow from its profile.
    # API tokens are created by their holders, who see the secret once.
    # E-mails are written by the application.
    # A published register snapshot is taken by publishing, and never changes.
    derived = (SubmittedForm, ProjectObligation, ApiToken, Notification, RegisterSnapshot)
    read_only = opts.app_label in {"auditlog", "axes"} or model in derived
    assert superuser_client.get(add).status_code == (403 if read_only else 200)
    instance = model._base_manager.order_by("pk").first()
    if instance is None:
        assert read_only, f"no {opts.label} to open"
        return
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
    assert superuser_client.get(change).status_code == 200


def test_every_project_model_is_in_the_admin():
    from django.apps import apps

    # On a page of its own, or within its parent's page (an adoption's stages).
    registered = {model for model, _ in MODEL_ADMINS} | {
        inline.model for _, model_admin in MODEL_ADMINS for inline in model_admin.inlines
    }
    assert set(apps.get_app_config("projects").get_models()) <= registered


def test_project_list_runs_the_same_queries_with_more_projects(
    superuser_client, django_assert_max_num_queries
):
    url = reverse("admin:projects_project_changelist")
    for _ in range(3):
        factories.ProjectFactory()
    with django_assert_max_num_queries(12) as few:
        superuser_client.get(url)
    for _ in range(30):
        factories.ProjectFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        superuser_client.get(url)


def test_admin_refuses_a_coordinator(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# What a project ends up with: operation decisions, benefits, spending and suppliers

DESTINATION_ADMINS = [
    "operationdecision",
    "benefitindicator",
    "benefitmeasurement",
    "spending",
    "supplier",
    "projectsupplier",
    "participation",
]


def _projects_with_a_destination(count: int) -> None:
    """`count` projects, each with a partner, both organisations' decisions, an indicator
    with measurements, two years of spending and a supplier."""
    for _ in range(count):
        partner = factories.OrganisationFactory()
        project = factories.ProjectFactory(participants=[partner])
        factories.OperationDecisionFactory(project=project)
        factories.OperationDecisionFactory(
            project=project,
            organisation=partner,
            decision=OperationDecisionKind.NOT_TO,
            reason_category=StopReason.BUSINESS_CASE,
            reason="Gevinsten er for lille i en kommune af vores størrelse.",
        )
        indicator = factories.BenefitIndicatorFactory(project=project)
        factories.BenefitMeasurementFactory(indicator=indicator, measured_on=date(2023, 1, 1))
        factories.BenefitMeasurementFactory(indicator=indicator, measured_on=date(2024, 1, 1))
        factories.SpendingFactory(project=project, year=2022)
        factories.SpendingFactory(project=project, year=2023)
        factories.ProjectSupplierFactory(project=project)


@pytest.mark.parametrize("model_name", DESTINATION_ADMINS)
def test_destination_lists_and_add_pages_run_the_same_queries_with_more_rows(
    superuser_client, django_assert_max_num_queries, model_name
):
    changelist = reverse(f"admin:projects_{model_name}_changelist")
    add = reverse(f"admin:projects_{model_name}_add")
    _projects_with_a_destination(2)
    with django_assert_max_num_queries(12) as list_queries:
        assert superuser_client.get(changelist).status_code == 200
    with django_assert_max_num_queries(12) as add_queries:
        assert superuser_client.get(add).status_code == 200
    _projects_with_a_destination(12)
    with django_assert_max_num_queries(len(list_queries.captured_queries)):
        assert superuser_client.get(changelist).status_code == 200
    with django_assert_max_num_queries(len(add_queries.captured_queries)):
        assert superuser_client.get(add).status_code == 200


def test_an_indicator_page_runs_the_same_queries_with_more_measurements(
    superuser_client, django_assert_max_num_queries, project
):
    indicator = factories.BenefitIndicatorFactory(project=project)
    url = reverse("admin:projects_benefitindicator_change", args=[indicator.pk])
    factories.BenefitMeasurementFactory(indicator=indicator, entered_by=factories.UserFactory())
    with django_assert_max_num_queries(25) as few:
        assert superuser_client.get(url).status_code == 200
    for month in range(1, 11):
        factories.BenefitMeasurementFactory(
            indicator=indicator,
            measured_on=date(2024, month, 1),
            entered_by=factories.UserFactory(),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert superuser_client.get(url).status_code == 200


def admin_change_form(client, url: str, **changes) -> dict:
    """The admin's change form as opened now, with `changes` typed in and no inline rows."""
    page = client.get(url)
    form = page.context["adminform"].form
    values = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in values.items() if value is not None}
    data.update(changes)
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def test_a_decision_not_to_needs_a_reason_in_the_admin(admin_client, project):
    response = admin_client.post(
        reverse("admin:projects_operationdecision_add"),
        {
            "project": project.pk,
            "organisation": project.lead_organisation_id,
            "decision": OperationDecisionKind.NOT_TO,
            "decided_on": "2024-03-01",
            "reason": " ",
        },
    )
    assert response.status_code == 200
    assert {"reason_category", "reason"} <= set(response.context["adminform"].form.errors)
    assert not OperationDecision.objects.exists()


def test_the_admin_refuses_a_decision_of_an_organisation_not_on_the_project(
    admin_client, project, aarhus
):
    response = admin_client.post(
        reverse("admin:projects_operationdecision_add"),
        {
            "project": project.pk,
            "organisation": aarhus.pk,
            "decision": OperationDecisionKind.IN_OPERATION,
            "decided_on": "2024-03-01",
        },
    )
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not OperationDecision.objects.exists()
    project.refresh_from_db()
    assert project.outcome == Outcome.ONGOING


def test_a_decision_put_into_operation_in_the_admin_drops_its_reason_and_runs_the_project(
    admin_client, project, syddjurs
):
    decision = factories.OperationDecisionFactory(
        project=project,
        organisation=syddjurs,
        decision=OperationDecisionKind.POSTPONED,
        reason_category=StopReason.CAPACITY,
        reason="Vi venter på en ny ruteplanlægger.",
    )
    url = reverse("admin:projects_operationdecision_change", args=[decision.pk])
    data = admin_change_form(
        admin_client, url, decision=OperationDecisionKind.IN_OPERATION, project=0
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    decision.refresh_from_db()
    assert decision.decision == OperationDecisionKind.IN_OPERATION
    assert decision.reason_category == ""
    assert decision.project_id == project.pk  # the project cannot be changed afterwards
    project.refresh_from_db()
    assert project.outcome == Outcome.IN_OPERATION


def test_a_decision_added_in_the_admin_is_attributed(admin_client, admin_user, project):
    response = admin_client.post(
        reverse("admin:projects_operationdecision_add"),
        {
            "project": project.pk,
            "organisation": project.lead_organisation_id,
            "decision": OperationDecisionKind.IN_OPERATION,
            "decided_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    assert OperationDecision.objects.get().author == admin_user


def test_a_decision_changed_in_the_admin_is_attributed_to_whoever_changed_it(
    admin_client, admin_user, project, coordinator
):
    decision = factories.OperationDecisionFactory(project=project, author=coordinator)
    url = reverse("admin:projects_operationdecision_change", args=[decision.pk])
    response = admin_client.post(url, admin_change_form(admin_client, url, decided_by="Byrådet"))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.decided_by, decision.author) == ("Byrådet", admin_user)


def test_the_project_page_keeps_an_organisation_with_a_decision_on_the_project(
    admin_client, project, syddjurs
):
    factories.OperationDecisionFactory(project=project, organisation=syddjurs)
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = admin_client.get(url)
    data = admin_change_form(admin_client, url)
    formset = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Participation
    )
    prefix = formset.prefix
    row = Participation.objects.get(project=project, organisation=syddjurs)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": 1,
            f"{prefix}-INITIAL_FORMS": 1,
            f"{prefix}-0-id": row.pk,
            f"{prefix}-0-project": project.pk,
            f"{prefix}-0-kind": row.kind,
            f"{prefix}-0-DELETE": "on",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert any(
        "har registreret" in str(inline.formset.non_form_errors())
        for inline in response.context["inline_admin_formsets"]
    )
    assert Participation.objects.filter(project=project, organisation=syddjurs).exists()


VERSIONED = [
    (
        "operationdecision",
        lambda project: factories.OperationDecisionFactory(project=project),
        {"decided_by": "Byrådet"},
    ),
    (
        "benefitindicator",
        lambda project: factories.BenefitIndicatorFactory(project=project),
        {"owner": "Direktør"},
    ),
    (
        "benefitmeasurement",
        lambda project: factories.BenefitMeasurementFactory(
            indicator=factories.BenefitIndicatorFactory(project=project)
        ),
        {"method": "Stikprøve"},
    ),
    ("spending", lambda project: factories.SpendingFactory(project=project), {"note": "Rettet"}),
    (
        "projectsupplier",
        lambda project: factories.ProjectSupplierFactory(project=project),
        {"note": "Rettet"},
    ),
]


@pytest.mark.parametrize(
    ("model_name", "make", "changes"), VERSIONED, ids=[item[0] for item in VERSIONED]
)
def test_a_stale_admin_edit_is_refused(admin_client, project, model_name, make, changes):
    record = make(project)
    url = reverse(f"admin:projects_{model_name}_change", args=[record.pk])
    data = admin_change_form(admin_client, url, **changes)
    saved_meanwhile = type(record).objects.get(pk=record.pk)
    saved_meanwhile.save()  # a coordinator saves after the administrator opened the form
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    record.refresh_from_db()
    field, value = next(iter(changes.items()))
    assert getattr(record, field) != value
    # Opened again, the same edit is saved.
    response = admin_client.post(url, admin_change_form(admin_client, url, **changes))
    assert response.status_code == 302
    record.refresh_from_db()
    assert getattr(record, field) == value


def test_a_measurement_added_on_the_indicator_page_updates_the_indicator_and_project(
    admin_client, admin_user, project
):
    indicator = factories.BenefitIndicatorFactory(project=project)  # 1.000 → 400 hours
    url = reverse("admin:projects_benefitindicator_change", args=[indicator.pk])
    data = admin_change_form(admin_client, url)
    data.update(
        {
            "measurements-TOTAL_FORMS": 1,
            "measurements-0-measured_on": "2024-06-01",
            "measurements-0-value": "700",
            "measurements-0-method": "Tidsregistrering",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    measurement = BenefitMeasurement.objects.get()
    assert (measurement.project_id, measurement.entered_by) == (project.pk, admin_user)
    indicator.refresh_from_db()
    assert (indicator.latest_value, indicator.latest_on) == (Decimal(700), date(2024, 6, 1))
    project.refresh_from_db()
    assert project.realisation_percent == Decimal("50.0")


def test_a_measurement_before_the_baseline_is_refused_on_the_indicator_page(admin_client, project):
    indicator = factories.BenefitIndicatorFactory(project=project)  # baseline 1 January 2022
    url = reverse("admin:projects_benefitindicator_change", args=[indicator.pk])
    data = admin_change_form(admin_client, url)
    data.update(
        {
            "measurements-TOTAL_FORMS": 1,
            "measurements-0-measured_on": "2021-06-01",
            "measurements-0-value": "700",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not BenefitMeasurement.objects.exists()


def test_an_indicator_edit_keeps_the_measurement_written_meanwhile(admin_client, project):
    indicator = factories.BenefitIndicatorFactory(project=project)
    url = reverse("admin:projects_benefitindicator_change", args=[indicator.pk])
    data = admin_change_form(admin_client, url, owner="Direktør, Borgerservice")
    factories.BenefitMeasurementFactory(indicator=indicator, value=Decimal(550))
    response = admin_client.post(url, data)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.owner == "Direktør, Borgerservice"
    assert indicator.latest_value == Decimal(550)


def test_spending_roles_need_the_competence_ticked_in_the_admin(admin_client, project):
    response = admin_client.post(
        reverse("admin:projects_spending_add"),
        {
            "project": project.pk,
            "year": 2023,
            "external_hours": "0",
            "external_dkk": "1.000.000",
            "internal_hours": "0",
            "internal_dkk": "0",
            "competence_roles": "Data scientist",
        },
    )
    assert response.status_code == 200
    assert "competence_built" in response.context["adminform"].form.errors
    assert not Spending.objects.exists()


# Compliance: the obligation catalogue, the projects' obligations and the legal questions

COMPLIANCE_ADMINS = ["obligation", "projectobligation", "legalquestion"]


def _high_risk_projects(count: int) -> list:
    """`count` high-risk deployers in a public body, in an Annex III area, each with a legal
    question raised from a barrier."""
    projects = []
    for _ in range(count):
        project = factories.ProjectFactory(
            ai_act_risk_class="high", ai_act_role="deployer", annex_iii_area="employment"
        )
        barrier = factories.BarrierFactory(project=project, category="legal")
        factories.LegalQuestionFactory(project=project, barrier=barrier)
        projects.append(project)
    return projects


@pytest.mark.parametrize("model_name", COMPLIANCE_ADMINS)
def test_compliance_lists_run_the_same_queries_with_more_rows(
    superuser_client, django_assert_max_num_queries, model_name
):
    changelist = reverse(f"admin:projects_{model_name}_changelist")
    _high_risk_projects(2)
    assert ProjectObligation.objects.count() >= 2 * 14
    with django_assert_max_num_queries(12) as list_queries:
        assert superuser_client.get(changelist).status_code == 200
    _high_risk_projects(12)
    with django_assert_max_num_queries(len(list_queries.captured_queries)):
        assert superuser_client.get(changelist).status_code == 200
    with django_assert_max_num_queries(len(list_queries.captured_queries)):
        assert superuser_client.get(changelist, {"q": "art. 26"}).status_code == 200


def test_moving_an_application_date_in_the_admin_moves_the_projects_due_dates(
    admin_client, admin_user, norddjurs
):

    later_go_live = factories.ProjectFactory(
        lead_organisation=norddjurs,
        ai_act_risk_class="high",
        ai_act_role="deployer",
        planned_end_date=date(2030, 6, 1),
    )
    early_go_live = factories.ProjectFactory(
        lead_organisation=norddjurs,
        ai_act_risk_class="high",
        ai_act_role="deployer",
        planned_end_date=date(2027, 3, 1),
    )
    minimal = factories.ProjectFactory(lead_organisation=norddjurs, ai_act_risk_class="minimal")
    art26 = Obligation.objects.get(code="art26-1-instructions")
    held = ProjectObligation.objects.filter(obligation=art26)
    assert dict(held.values_list("project", "due_on")) == {
        later_go_live.pk: date(2026, 8, 2),
        early_go_live.pk: date(2026, 8, 2),
    }

    url = reverse("admin:projects_obligation_change", args=[art26.pk])
    response = admin_client.post(
        url, admin_change_form(admin_client, url, applies_from="2027-12-02")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    # The earlier of the new date and each project's planned go-live.
    assert dict(held.values_list("project", "due_on")) == {
        later_go_live.pk: date(2027, 12, 2),
        early_go_live.pk: date(2027, 3, 1),
    }
    assert not ProjectObligation.objects.filter(project=minimal, obligation=art26).exists()
    # The change is in the history: the catalogue entry's, and each project's due date.
    moved = LogEntry.objects.get_for_object(art26).get(action=LogEntry.Action.UPDATE)
    assert moved.changes_dict["applies_from"] == ["2026-08-02", "2027-12-02"]
    assert moved.actor == admin_user
    for project, due in ((later_go_live, "2027-12-02"), (early_go_live, "2027-03-01")):
        entry = LogEntry.objects.get(
            additional_data__project_id=project.pk,
            action=LogEntry.Action.UPDATE,
            object_id=held.get(project=project).pk,
        )
        assert entry.changes_dict == {"due_on": ["2026-08-02", due]}
        assert entry.actor == admin_user


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("risk_classes", ["high", "very_high"]),
        ("roles", ["user"]),
        ("excluded_annex_iii_areas", ["outer_space"]),
    ],
)
def test_the_admin_refuses_a_rule_value_outside_the_allowed_ones(admin_client, field, value):
    art27 = Obligation.objects.get(code="art27-fria")
    before = getattr(art27, field)
    url = reverse("admin:projects_obligation_change", args=[art27.pk])
    response = admin_client.post(url, admin_change_form(admin_client, url, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    art27.refresh_from_db()
    assert getattr(art27, field) == before


def test_the_catalogue_form_lists_the_allowed_rule_values(admin_client):
    art27 = Obligation.objects.get(code="art27-fria")
    url = reverse("admin:projects_obligation_change", args=[art27.pk])
    form = admin_client.get(url).context["adminform"].form
    assert {value for value, _label in form.fields["risk_classes"].choices} == {
        "not_assessed",
        "minimal",
        "limited",
        "high",
        "prohibited",
    }
    assert {value for value, _label in form.fields["roles"].choices} == {"provider", "deployer"}
    assert "critical_infrastructure" in dict(form.fields["excluded_annex_iii_areas"].choices)
    assert "" not in dict(form.fields["excluded_annex_iii_areas"].choices)
    assert form["excluded_annex_iii_areas"].value() == ["critical_infrastructure"]
    # The code ties the entry to the catalogue file: it is not changed here.
    assert "code" not in form.fields


def test_a_projects_obligation_keeps_its_derived_dates_in_the_admin(admin_client, norddjurs):
    project = factories.ProjectFactory(
        lead_organisation=norddjurs, ai_act_risk_class="high", ai_act_role="deployer"
    )
    held = ProjectObligation.objects.get(project=project, obligation__code="art26-1-instructions")
    due = held.due_on
    url = reverse("admin:projects_projectobligation_change", args=[held.pk])
    form = admin_client.get(url).context["adminform"].form
    assert not {"due_on", "superseded_on", "project", "obligation"} & set(form.fields)
    data = admin_change_form(
        admin_client, url, status="not_applicable", not_applicable_reason=" ", due_on="2020-01-01"
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "not_applicable_reason" in response.context["adminform"].form.errors
    data["not_applicable_reason"] = "Systemet bruges ikke over for borgere."
    response = admin_client.post(url, data)
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.status, held.due_on) == ("not_applicable", due)


def test_a_legal_question_added_in_the_admin_is_attributed_and_keeps_to_its_project(
    admin_client, admin_user, project, norddjurs
):
    other = factories.BarrierFactory(project=factories.ProjectFactory(lead_organisation=norddjurs))
    data = {
        "project": project.pk,
        "barrier": other.pk,
        "question": "Må vi bruge sagsdata til at træne modellen?",
        "legal_area": "gdpr",
        "asked_to": "datatilsynet",
        "asked_on": "2024-02-01",
        "status": "open",
    }
    response = admin_client.post(reverse("admin:projects_legalquestion_add"), data)
    assert response.status_code == 200
    assert "barrier" in response.context["adminform"].form.errors
    data["barrier"] = factories.BarrierFactory(project=project).pk
    response = admin_client.post(reverse("admin:projects_legalquestion_add"), data)
    assert response.status_code == 302
    assert LegalQuestion.objects.get().author == admin_user


# Users: access is given by memberships of an organisation with a role

User = get_user_model()
NEW_PASSWORD = "Mølleåen-ved-Grenaa-26"
USERS = reverse("admin:auth_user_changelist")
ADD_USER = reverse("admin:auth_user_add")


def _users_shown(response) -> set[str]:
    return {user.username for user in response.context["cl"].result_list}


def _column(response, name: str) -> list[str]:
    """The text of one column of the user list, row by row."""
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(rf'<td class="field-{name}">(.*?)</td>', html, re.S)
    ]


def test_the_user_list_shows_each_users_organisations_and_roles(
    superuser_client, norddjurs, syddjurs, agency
):
    karen = factories.UserFactory(username="karen", first_name="Karen", last_name="Kristensen")
    Membership.objects.create(user=karen, organisation=norddjurs, role=Role.COORDINATOR)
    Membership.objects.create(user=karen, organisation=syddjurs, role=Role.VIEWER)
    factories.MembershipFactory(
        user=factories.UserFactory(username="rasmus"), organisation=agency, role=Role.REVIEWER
    )
    factories.UserFactory(username="uden-medlemskab")

    response = superuser_client.get(USERS, {"o": "1"})  # by username

    html = response.content.decode()
    assert "Organisationer" in html and "Roller" in html and "Navn" in html
    assert _column(response, "organisations") == [
        "Norddjurs Kommune, Syddjurs Kommune",
        "Digitaliseringsstyrelsen",
        "-",
        "-",
    ]
    assert _column(response, "roles") == ["Koordinator, Læser", "Porteføljemedarbejder", "-", "-"]
    assert _column(response, "full_name")[0] == "Karen Kristensen"


def test_the_user_list_runs_the_same_queries_with_more_users(
    superuser_client, django_assert_max_num_queries, norddjurs, agency
):
    def users_with_memberships(count: int) -> None:
        for _ in range(count):
            user = factories.UserFactory()
            factories.MembershipFactory(user=user, organisation=norddjurs, role=Role.VIEWER)
            factories.MembershipFactory(user=user)  # and one of another municipality

    users_with_memberships(3)
    with django_assert_max_num_queries(15) as few:
        assert superuser_client.get(USERS).status_code == 200
    users_with_memberships(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = superuser_client.get(USERS)
    assert len(response.context["cl"].result_list) == 44  # and the superuser
    # Filtered and searched lists too.
    for query in ({"organisation": norddjurs.pk, "role": Role.VIEWER}, {"q": "Testkommune"}):
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert superuser_client.get(USERS, query).status_code == 200


def test_the_user_list_filters_by_organisation_and_role_together(
    superuser_client, norddjurs, syddjurs
):
    karen = factories.UserFactory(username="karen")
    Membership.objects.create(user=karen, organisation=norddjurs, role=Role.COORDINATOR)
    Membership.objects.create(user=karen, organisation=syddjurs, role=Role.VIEWER)
    lars = factories.UserFactory(username="lars")
    Membership.objects.create(user=lars, organisation=norddjurs, role=Role.VIEWER)

    def shown(**query) -> set[str]:
        response = superuser_client.get(USERS, query)
        assert response.status_code == 200
        return _users_shown(response)

    assert shown(organisation=norddjurs.pk) == {"karen", "lars"}
    assert shown(role=Role.VIEWER) == {"karen", "lars"}
    assert shown(organisation=norddjurs.pk, role=Role.COORDINATOR) == {"karen"}
    # Karen coordinates in Norddjurs, not in Syddjurs where she reads.
    assert shown(organisation=syddjurs.pk, role=Role.COORDINATOR) == set()
    for nonsense in ("abc", "²", "-1", str(2**64), "9" * 5000):
        assert shown(organisation=nonsense) == set(), nonsense
    assert shown(role="superhelt") == set()
    # The filter offers the organisations that have members, and every role, in Danish.
    html = superuser_client.get(USERS).content.decode()
    assert "Norddjurs Kommune" in html and "Porteføljeadministrator" in html
    assert "Efter organisation" in html and "Efter rolle" in html


def test_the_user_list_is_searched_by_name_email_and_organisation(
    superuser_client, norddjurs, aarhus
):
    karen = factories.UserFactory(
        username="kk", first_name="Karen", last_name="Kristensen", email="kk@norddjurs.dk"
    )
    factories.MembershipFactory(user=karen, organisation=norddjurs)
    factories.MembershipFactory(user=factories.UserFactory(username="andre"), organisation=aarhus)

    for term in ("Karen Kristensen", "kk@norddjurs.dk", "Norddjurs"):
        assert _users_shown(superuser_client.get(USERS, {"q": term})) == {"kk"}, term


def test_groups_are_not_in_the_admin_nor_on_the_user_form(superuser_client, coordinator):
    assert Group not in admin.site._registry
    assert superuser_client.get("/admin/auth/group/").status_code == 404
    page = superuser_client.get(reverse("admin:auth_user_change", args=[coordinator.pk]))
    form = page.context["adminform"].form
    assert not {"groups", "user_permissions"} & set(form.fields)
    # What administrators need to give access to this administration stays.
    assert {"is_active", "is_staff", "is_superuser"} <= set(form.fields)
    filters = superuser_client.get(USERS).context["cl"].filter_specs
    assert "groups" not in {getattr(spec, "field_path", "") for spec in filters}


def test_the_user_pages_are_in_danish(superuser_client, coordinator):
    html = superuser_client.get(
        reverse("admin:auth_user_change", args=[coordinator.pk])
    ).content.decode()
    for danish in ("Personlig information", "Rettigheder", "Vigtige datoer", "medlemskaberne"):
        assert danish in html, danish
    html = superuser_client.get(ADD_USER).content.decode()
    assert "Personlig information" in html and "Medlemskab" in html


# Users: the membership row and the add form


def _inline_formset(response):
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Membership
    )


def test_a_user_without_a_membership_is_offered_an_empty_row(superuser_client, coordinator):
    newcomer = factories.UserFactory(username="ny")
    page = superuser_client.get(reverse("admin:auth_user_change", args=[newcomer.pk]))
    assert len(_inline_formset(page).forms) == 1
    assert _inline_formset(page).forms[0].instance.pk is None
    # A user who has one is shown it, without an empty row beside it.
    page = superuser_client.get(reverse("admin:auth_user_change", args=[coordinator.pk]))
    assert [form.instance.pk is None for form in _inline_formset(page).forms] == [False]
    # The add form has the row.
    assert len(_inline_formset(superuser_client.get(ADD_USER)).forms) == 1


def _new_user_data(organisation, role, **changes) -> dict:
    data = {
        "username": "mette.m",
        "first_name": "Mette",
        "last_name": "Mikkelsen",
        "email": "mette@norddjurs.dk",
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": organisation.pk,
        "memberships-0-role": role,
    }
    data.update(changes)
    return data


def test_a_user_is_added_with_an_organisation_and_a_role_in_one_step(superuser_client, norddjurs):
    response = superuser_client.post(ADD_USER, _new_user_data(norddjurs, Role.COORDINATOR))

    assert response.status_code == 302, response.context["errors"]
    user = User.objects.get(username="mette.m")
    assert (user.get_full_name(), user.email) == ("Mette Mikkelsen", "mette@norddjurs.dk")
    assert user.check_password(NEW_PASSWORD)
    assert not (user.is_staff or user.is_superuser)
    assert list(user.memberships.values_list("organisation", "role")) == [
        (norddjurs.pk, Role.COORDINATOR)
    ]
    assert roles_of(user).coordinator_organisation_ids == [norddjurs.pk]
    # The redirect opens the new user's page, which shows no password.
    page = superuser_client.get(response["Location"])
    assert page.status_code == 200
    assert NEW_PASSWORD not in page.content.decode()
    assert NEW_PASSWORD not in superuser_client.get(USERS).content.decode()


def test_a_role_that_does_not_fit_the_organisation_adds_nobody(superuser_client, agency):
    response = superuser_client.post(ADD_USER, _new_user_data(agency, Role.COORDINATOR))

    assert response.status_code == 200
    assert _inline_formset(response).errors[0]["role"]
    assert not User.objects.filter(username="mette.m").exists()
    assert not Membership.objects.exists()


def _password_values(html: str) -> list[str]:
    """The value of each password box on the page ("" for a box without one)."""
    values = []
    for tag in re.findall(r'<input[^>]*type="password"[^>]*>', html):
        found = re.search(r'value="([^"]*)"', tag)
        values.append(found.group(1) if found else "")
    return values


def test_the_passwords_typed_are_kept_when_the_add_form_comes_back_with_an_error(
    superuser_client, norddjurs
):
    # The role does not fit a municipality: the form comes back.
    response = superuser_client.post(ADD_USER, _new_user_data(norddjurs, Role.REVIEWER))

    assert response.status_code == 200
    assert _password_values(response.content.decode()) == [NEW_PASSWORD, NEW_PASSWORD]
    # The page is not kept by the browser or a proxy.
    assert "no-store" in response["Cache-Control"]
    # Corrected, it is saved with the password that was kept.
    response = superuser_client.post(ADD_USER, _new_user_data(norddjurs, Role.VIEWER))
    assert response.status_code == 302
    assert User.objects.get(username="mette.m").check_password(NEW_PASSWORD)
    # A form opened afresh shows empty boxes.
    assert _password_values(superuser_client.get(ADD_USER).content.decode()) == ["", ""]


def test_a_password_too_short_is_refused_and_kept_for_correction(superuser_client, norddjurs):
    response = superuser_client.post(
        ADD_USER, _new_user_data(norddjurs, Role.VIEWER, password1="kort", password2="kort")
    )
    assert response.status_code == 200
    assert "password2" in response.context["adminform"].form.errors
    assert _password_values(response.content.decode()) == ["kort", "kort"]
    assert not User.objects.filter(username="mette.m").exists()


def test_the_admin_password_change_keeps_the_passwords_typed_after_an_error(
    superuser_client, coordinator
):
    url = reverse("admin:auth_user_password_change", args=[coordinator.pk])
    assert _password_values(superuser_client.get(url).content.decode()) == ["", ""]

    response = superuser_client.post(
        url,
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )

    assert response.status_code == 200
    assert "password2" in response.context["adminForm"].form.errors
    assert _password_values(response.content.decode()) == [NEW_PASSWORD, NEW_PASSWORD + "x"]
    assert "no-store" in response["Cache-Control"]
    response = superuser_client.post(
        url, {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password(NEW_PASSWORD)
    page = superuser_client.get(response["Location"])
    assert NEW_PASSWORD not in page.content.decode()
    assert _password_values(superuser_client.get(url).content.decode()) == ["", ""]


# Amounts in the lists and forms


def test_amounts_in_the_lists_are_grouped_in_the_active_language(superuser_client, project):
    factories.FundingRoundFactory(name="Runde 6", year=2025, pool_dkk=67_000_000)
    factories.SpendingFactory(
        project=project, year=2023, external_hours=1200, external_dkk=1_250_000
    )
    rounds = reverse("admin:projects_fundinground_changelist")
    spending = reverse("admin:projects_spending_changelist")

    assert "67.000.000 kr." in superuser_client.get(rounds).content.decode()
    html = superuser_client.get(spending).content.decode()
    assert "1.250.000 kr." in html and ">1.200<" in html

    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "67,000,000 kr." in superuser_client.get(rounds).content.decode()
    html = superuser_client.get(spending).content.decode()
    assert "1,250,000 kr." in html and ">1,200<" in html


def test_measured_values_are_grouped_in_the_lists_and_typed_the_danish_way(
    superuser_client, project
):
    indicator = factories.BenefitIndicatorFactory(
        project=project, baseline_value=Decimal("12500.5"), target_value=Decimal(4000)
    )
    html = superuser_client.get(
        reverse("admin:projects_benefitindicator_changelist")
    ).content.decode()
    assert "12.500,5" in html and "4.000" in html

    response = superuser_client.post(
        reverse("admin:projects_benefitmeasurement_add"),
        {"indicator": indicator.pk, "measured_on": "2024-06-01", "value": "1.234,5"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    measurement = BenefitMeasurement.objects.get()
    assert measurement.value == Decimal("1234.5")
    change = reverse("admin:projects_benefitmeasurement_change", args=[measurement.pk])
    assert superuser_client.get(change).context["adminform"].form["value"].value() == "1.234,5"
