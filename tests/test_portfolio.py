"""The portfolio list, its filters and exports, and the dashboard."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    BarrierStatus,
    BenefitIndicator,
    BenefitMeasurement,
    OperationDecision,
    PhaseKind,
    Spending,
)
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def titles(client, **params) -> set[str]:
    response = client.get(reverse("project_list"), params)
    assert response.status_code == 200
    return {project.title for project in response.context["page"].object_list}


@pytest.fixture
def portfolio(norddjurs, aarhus, syddjurs):
    """Three projects that differ in every filtered property."""
    today = timezone.localdate()
    round_one = factories.FundingRoundFactory(name="Runde 1 – ØA2020", year=2020)
    mails = factories.ProjectFactory(
        title="Journalisering af mails",
        lead_organisation=norddjurs,
        funding_round=round_one,
        area="administration",
        current_phase=PhaseKind.OPERATION,
        outcome="in_operation",
        current_status="green",
        last_status_on=today - timedelta(days=10),
        ai_act_risk_class="minimal",
        dpia_status="completed",
    )
    for kind in (PhaseKind.CLARIFICATION, PhaseKind.DEVELOPMENT, PhaseKind.TRIAL):
        factories.PhaseFactory(
            project=mails,
            kind=kind,
            ended_on=date(2022, 6, 1),
            gate_decision="go",
            decided_on=date(2022, 6, 1),
        )
    factories.PhaseFactory(project=mails, kind=PhaseKind.OPERATION)
    # The current status follows the latest update, as every write keeps it.
    factories.StatusUpdateFactory(
        project=mails, reported_on=mails.last_status_on, overall_status="green"
    )
    # Norddjurs runs it (which makes the outcome "in operation") and has realised 80 % of the
    # hours it expected to free; a third of the spending went to consultants.
    OperationDecision.objects.create(
        project=mails, organisation=norddjurs, decision="in_operation", decided_on=date(2024, 3, 1)
    )
    hours = BenefitIndicator.objects.create(
        project=mails,
        organisation=norddjurs,
        kind="hours",
        title="Frigjorte timer om året",
        baseline_value=Decimal(0),
        baseline_on=date(2022, 1, 1),
        target_value=Decimal(5000),
    )
    BenefitMeasurement.objects.create(indicator=hours, measured_on=date(2024, 6, 1), value=4000)
    Spending.objects.create(project=mails, year=2023, external_dkk=100_000, internal_dkk=200_000)
    children = factories.ProjectFactory(
        title="Risikovurdering af underretninger",
        lead_organisation=aarhus,
        area="children",
        current_phase=PhaseKind.TRIAL,
        current_status="red",
        last_status_on=today - timedelta(days=200),
        ai_act_risk_class="high",
        dpia_status="in_progress",
        help_requested=True,  # kept by the services from the latest update below
    )
    factories.PhaseFactory(project=children, kind=PhaseKind.TRIAL)
    factories.BarrierFactory(
        project=children, category="legal", phase=PhaseKind.TRIAL, escalated=True
    )
    factories.StatusUpdateFactory(
        project=children,
        reported_on=children.last_status_on,
        overall_status="red",
        help_needed=True,
        help_text="Hjælp med hjemmel.",
    )
    region = factories.OrganisationFactory(name="Region Hovedstaden", kind="region")
    health = factories.ProjectFactory(
        title="Trygge udskrivelser",
        lead_organisation=region,
        area="health",
        current_phase=PhaseKind.DEVELOPMENT,
        outcome="stopped",
        closing_reason="data_protection",
        outcome_note="Ingen hjemmel til drift.",
        participants=[syddjurs],
    )
    factories.PhaseFactory(
        project=health,
        kind=PhaseKind.DEVELOPMENT,
        ended_on=date(2022, 9, 1),
        gate_decision="stop",
        decided_on=date(2022, 9, 1),
    )
    OperationDecision.objects.create(
        project=health,
        organisation=syddjurs,
        decision="not_to",
        decided_on=date(2022, 9, 15),
        reason_category="data_protection",
        reason="Ingen hjemmel.",
    )
    Spending.objects.create(project=health, year=2022, external_dkk=900_000, internal_dkk=100_000)
    factories.BarrierFactory(
        project=health,
        category="legal",
        phase=PhaseKind.TRIAL,
        status=BarrierStatus.RESOLVED,
        resolution="Løst.",
        resolved_on=date(2022, 6, 1),
    )
    factories.BarrierFactory(project=health, category="data", phase=PhaseKind.DEVELOPMENT)
    return {"mails": mails, "children": children, "health": health, "round": round_one}


@pytest.fixture
def agency_client(client, reviewer):
    client.force_login(reviewer)
    return client


ALL = {"Journalisering af mails", "Risikovurdering af underretninger", "Trygge udskrivelser"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL),
        (
            {"current_phase": ["trial", "operation"]},
            {"Journalisering af mails", "Risikovurdering af underretninger"},
        ),
        ({"reached": "trial"}, {"Journalisering af mails", "Risikovurdering af underretninger"}),
        ({"outcome": "stopped"}, {"Trygge udskrivelser"}),
        ({"current_status": "red"}, {"Risikovurdering af underretninger"}),
        ({"organisation_kind": "region"}, {"Trygge udskrivelser"}),
        (
            {"area": ["children", "health"]},
            {"Risikovurdering af underretninger", "Trygge udskrivelser"},
        ),
        (
            {"barrier_category": "legal", "barrier_phase": "trial"},
            {"Risikovurdering af underretninger"},
        ),
        (
            {"barrier_category": "legal", "barrier_phase": "trial", "barrier_state": "resolved"},
            {"Trygge udskrivelser"},
        ),
        (
            {"barrier_category": "legal", "barrier_state": "any"},
            {"Risikovurdering af underretninger", "Trygge udskrivelser"},
        ),
        # A stopped project's open barrier needs no follow-up: left out unless asked for.
        ({"barrier_category": "data"}, set()),
        ({"barrier_category": "data", "closed": "include"}, {"Trygge udskrivelser"}),
        ({"closed": "only"}, {"Trygge udskrivelser"}),
        ({"ai_act_risk_class": "high"}, {"Risikovurdering af underretninger"}),
        ({"dpia_status": "completed"}, {"Journalisering af mails"}),
        # Stale means "should have reported": stopped projects are left out unless asked for.
        ({"stale_days": "90"}, {"Risikovurdering af underretninger"}),
        (
            {"stale_days": "90", "closed": "include"},
            {"Risikovurdering af underretninger", "Trygge udskrivelser"},
        ),
        ({"help_requested": "1"}, {"Risikovurdering af underretninger"}),
        ({"escalated": "1"}, {"Risikovurdering af underretninger"}),
        ({"benefits": "realised"}, {"Journalisering af mails"}),
        ({"benefits": "expected"}, {"Journalisering af mails"}),
        ({"finished": "yes"}, {"Journalisering af mails", "Trygge udskrivelser"}),
        ({"finished": "no"}, {"Risikovurdering af underretninger"}),
        ({"decision": "in_operation"}, {"Journalisering af mails"}),
        ({"decision": "not_to"}, {"Trygge udskrivelser"}),
        ({"decision": "postponed"}, set()),
        # Aarhus has not decided; the region (lead) of the stopped project has not either.
        (
            {"decision": "undecided"},
            {"Risikovurdering af underretninger", "Trygge udskrivelser"},
        ),
        ({"reason_category": "data_protection"}, {"Trygge udskrivelser"}),
        ({"reason_category": "data"}, set()),
        ({"closing_reason": "data_protection"}, {"Trygge udskrivelser"}),
        ({"realisation": "50_99"}, {"Journalisering af mails"}),
        ({"realisation": "100"}, set()),
        (
            {"realisation": "not_measured"},
            {"Risikovurdering af underretninger", "Trygge udskrivelser"},
        ),
        ({"consultant_share": "25_50"}, {"Journalisering af mails"}),
        ({"consultant_share": "over_50"}, {"Trygge udskrivelser"}),
        ({"consultant_share": "none"}, {"Risikovurdering af underretninger"}),
        ({"consultant_share": "under_25"}, set()),
        ({"funding_round": "null"}, set()),
        ({"q": "UNDERRETNING"}, {"Risikovurdering af underretninger"}),
        ({"q": "hovedstaden"}, {"Trygge udskrivelser"}),
        ({"current_status": "red", "area": "administration"}, set()),
    ],
)
def test_each_filter_narrows_the_portfolio(agency_client, portfolio, params, expected):
    assert titles(agency_client, **params) == expected


def test_filter_by_organisation_and_round(agency_client, portfolio, norddjurs):
    assert titles(agency_client, lead_organisation=norddjurs.pk) == {"Journalisering af mails"}
    assert titles(agency_client, funding_round=portfolio["round"].pk) == {"Journalisering af mails"}


@pytest.mark.parametrize(
    "params",
    [
        {"stale_days": "abc"},
        {"stale_days": "-5"},
        {"current_phase": "nonsense"},
        {"lead_organisation": "999999"},
        {"order": "password"},
        {"barrier_category": "<script>"},
        {"page": "9999"},
        {"page": "x"},
    ],
)
def test_bad_filter_values_never_break_the_list(agency_client, portfolio, params):
    response = agency_client.get(reverse("project_list"), params)
    assert response.status_code == 200


def test_sorting_by_phase_follows_the_life_cycle(agency_client, portfolio):
    response = agency_client.get(reverse("project_list"), {"order": "phase"})
    ordered = [p.title for p in response.context["page"].object_list]
    assert ordered == [
        "Trygge udskrivelser",
        "Risikovurdering af underretninger",
        "Journalisering af mails",
    ]
    response = agency_client.get(reverse("project_list"), {"order": "-status"})
    assert response.context["page"].object_list[0].title == "Risikovurdering af underretninger"


def test_pagination_keeps_the_filter(agency_client, settings, norddjurs):
    settings.PAGE_SIZE = 2
    for number in range(5):
        factories.ProjectFactory(
            title=f"Rød {number}", current_status="red", lead_organisation=norddjurs
        )
    factories.ProjectFactory(title="Grøn", current_status="green")
    response = agency_client.get(reverse("project_list"), {"current_status": "red"})
    html = response.content.decode()
    assert "5 projekter" in html
    assert "?current_status=red&amp;page=2" in html


def test_municipality_user_filters_only_their_projects(client, coordinator, portfolio, aarhus):
    client.force_login(coordinator)
    assert titles(client) == {"Journalisering af mails"}
    assert titles(client, current_status="red") == set()
    # The organisation choice offers only organisations of projects they may read.
    form = client.get(reverse("project_list")).context["filter"].form
    assert list(form.fields["lead_organisation"].queryset) == [portfolio["mails"].lead_organisation]
    assert titles(client, lead_organisation=aarhus.pk) == {"Journalisering af mails"}


def test_list_shows_flags_for_attention(agency_client, portfolio):
    factories.ReviewNoteFactory(project=portfolio["mails"], kind="follow_up")
    html = agency_client.get(reverse("project_list")).content.decode()
    assert "Opfølgningsanmodning" in html
    assert "Hjælp ønsket" in html
    assert "Eskaleret barriere" in html


# Exports


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_csv_export_has_exactly_the_filtered_projects_with_danish_intact(agency_client, portfolio):
    response = agency_client.get(reverse("export_csv"), {"area": ["children", "health"]})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][:3] == ["ID", "Titel", "Ansvarlig organisation"]
    assert {row[1] for row in rows[1:]} == {
        "Risikovurdering af underretninger",
        "Trygge udskrivelser",
    }
    assert "Børn og unge" in {row[5] for row in rows[1:]}


def test_xlsx_export_opens_with_the_filtered_projects(agency_client, portfolio):
    response = agency_client.get(reverse("export_xlsx"), {"outcome": "in_operation"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Titel"
    assert [row[1] for row in rows[1:]] == ["Journalisering af mails"]
    assert rows[1][5] == "Administration" and rows[1][4] == "Runde 1 – ØA2020"


def test_municipality_export_contains_only_projects_they_may_read(client, coordinator, portfolio):
    client.force_login(coordinator)
    rows = _csv_rows(client.get(reverse("export_csv")))
    assert [row[1] for row in rows[1:]] == ["Journalisering af mails"]
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("export_xlsx")).streaming_content))
    )
    assert [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)] == [
        "Journalisering af mails"
    ]


def test_exports_neutralise_spreadsheet_formulas(agency_client, norddjurs):
    factories.ProjectFactory(title='=HYPERLINK("http://x")', lead_organisation=norddjurs)
    factories.ProjectFactory(title="@SUM(A1)", lead_organisation=norddjurs)
    rows = _csv_rows(agency_client.get(reverse("export_csv")))
    assert {row[1] for row in rows[1:]} == {'\'=HYPERLINK("http://x")', "'@SUM(A1)"}
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(agency_client.get(reverse("export_xlsx")).streaming_content))
    )
    cells = {row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert cells == {'\'=HYPERLINK("http://x")', "'@SUM(A1)"}


# Dashboard


def test_dashboard_numbers_link_to_exactly_those_projects(agency_client, portfolio):
    """Follow every number on the dashboard: the list behind it has that many projects."""
    html = agency_client.get(reverse("dashboard")).content.decode()
    links = re.findall(r'<a href="(/projects/\?[^"]+)"[^>]*>([\d.]+)</a>', html)
    assert len(links) > 50
    for url, number in links:
        response = agency_client.get(url.replace("&amp;", "&"))
        assert response.context["page"].paginator.count == int(number.replace(".", "")), url


def test_dashboard_answers_the_programmes_question(agency_client, portfolio):
    response = agency_client.get(reverse("dashboard"))
    funnel = dict(response.context["funnel"])
    assert funnel[PhaseKind.OPERATION] == 1 and funnel[PhaseKind.TRIAL] == 2
    outcomes = dict(response.context["outcomes"])
    assert outcomes["in_operation"] == 1 and outcomes["stopped"] == 1
    assert response.context["attention"] == {"red": 1, "stale": 1, "escalated": 1, "help": 1}


def test_gdpr_barrier_in_trial_in_two_clicks(agency_client, portfolio):
    html = agency_client.get(reverse("dashboard")).content.decode()
    link = reverse("project_list") + (
        "?barrier_category=legal&amp;barrier_phase=trial&amp;barrier_state=open"
    )
    assert f'<a href="{link}"' in html
    assert titles(
        agency_client, barrier_category="legal", barrier_phase="trial", barrier_state="open"
    ) == {"Risikovurdering af underretninger"}


# Query counts do not grow with the data


def _more_projects(count, organisation):
    for number in range(count):
        # A high-risk deployer in an Annex III area: fourteen AI Act obligations, overdue.
        project = factories.ProjectFactory(
            lead_organisation=organisation,
            current_status="red",
            last_status_on=date(2022, 1, 1),
            ai_act_risk_class="high",
            ai_act_role="deployer",
            annex_iii_area="employment",
        )
        factories.PhaseFactory(project=project)
        factories.BarrierFactory(project=project, escalated=True)
        factories.LessonFactory(project=project, visibility="portfolio", title=f"Erfaring {number}")
        factories.StatusUpdateFactory(project=project, reported_on=date(2022, 1, 1))
        # What the list's new columns show: organisations in operation, realisation, share.
        OperationDecision.objects.create(
            project=project,
            organisation=organisation,
            decision="in_operation",
            decided_on=date(2023, 1, 1),
        )
        indicator = BenefitIndicator.objects.create(
            project=project,
            organisation=organisation,
            kind="dkk",
            title="Sparede kroner",
            baseline_value=Decimal(0),
            baseline_on=date(2022, 1, 1),
            target_value=Decimal(1000),
        )
        BenefitMeasurement.objects.create(
            indicator=indicator, measured_on=date(2023, 1, 1), value=1
        )
        Spending.objects.create(project=project, year=2023, external_dkk=10, internal_dkk=30)


@pytest.mark.parametrize("name", ["project_list", "dashboard", "lesson_list"])
def test_page_queries_do_not_grow_with_the_data(agency_client, norddjurs, name):
    url = reverse(name)
    _more_projects(2, norddjurs)
    small = count_queries(agency_client, url)
    _more_projects(30, norddjurs)
    assert count_queries(agency_client, url) == small <= 15
