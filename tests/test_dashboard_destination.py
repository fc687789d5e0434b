"""Where the pilots ended up, on the dashboard: every number equals the list it links to; the
list of every organisation's operation decision; and the portfolio's new columns and exports."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from projects.models import (
    BenefitIndicator,
    BenefitMeasurement,
    OperationDecision,
    Participation,
    PhaseKind,
    Spending,
)
from projects.selectors.portfolio import Figure
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

RECENTLY = timezone.localdate() - timedelta(days=30)
LONG_AGO = timezone.localdate() - timedelta(days=800)


def _project(title, lead, funding_round, *, partners=(), adopters=(), **fields):
    project = factories.ProjectFactory(
        title=title, lead_organisation=lead, funding_round=funding_round, **fields
    )
    for organisation in partners:
        Participation.objects.create(project=project, organisation=organisation)
    for organisation in adopters:
        Participation.objects.create(project=project, organisation=organisation, kind="adopter")
    return project


def _stop(project):
    """A stop at the trial's gate: the project is stopped (or stays closed)."""
    factories.PhaseFactory(
        project=project,
        kind=PhaseKind.TRIAL,
        ended_on=date(2023, 6, 1),
        gate_decision="stop",
        decided_on=date(2023, 6, 1),
    )


def _decide(project, organisation, decision, reason_category="", decided_on=date(2024, 3, 1)):
    return OperationDecision.objects.create(
        project=project,
        organisation=organisation,
        decision=decision,
        decided_on=None if decision == "undecided" else decided_on,
        decided_by="Økonomiudvalget",
        reason_category=reason_category,
        reason="Se referatet." if reason_category else "",
    )


def _indicator(project, kind, baseline, target, *measurements, organisation=None):
    indicator = BenefitIndicator.objects.create(
        project=project,
        organisation=organisation or project.lead_organisation,
        kind=kind,
        title=f"{kind} for {project.title}",
        baseline_value=None if baseline is None else Decimal(baseline),
        baseline_on=None if baseline is None else date(2021, 1, 1),
        target_value=None if target is None else Decimal(target),
    )
    for measured_on, value in measurements:
        BenefitMeasurement.objects.create(
            indicator=indicator, measured_on=measured_on, value=Decimal(value)
        )
    return indicator


@pytest.fixture
def world(norddjurs, syddjurs, aarhus):
    """Two funding rounds and a project without one; every outcome; decisions of every kind,
    organisations without one, and a decision of an organisation that has left its project;
    indicators measured recently, long ago and never; spending on both sides of each band."""
    round_one = factories.FundingRoundFactory(name="Runde 1", year=2020)
    round_two = factories.FundingRoundFactory(name="Runde 2", year=2021)
    region = factories.OrganisationFactory(name="Region Midtjylland", kind="region")
    odense = factories.OrganisationFactory(name="Odense Kommune")

    mails = _project(
        "Mails", norddjurs, round_one, partners=[syddjurs], adopters=[aarhus], current_phase=""
    )
    _decide(mails, norddjurs, "in_operation")
    _decide(mails, aarhus, "in_operation", decided_on=date(2024, 9, 1))
    _decide(mails, syddjurs, "not_to", "data_protection")
    # Hours spent come down from 1.000 towards 400 (700 now: 300 of 600); kroner saved go
    # from 0 to 120.000 of 100.000: 50 % and 120 %, on average 85 %.
    _indicator(mails, "hours", 1000, 400, (RECENTLY, 700))
    _indicator(mails, "dkk", 0, 100_000, (LONG_AGO, 50_000), (RECENTLY, 120_000))
    Spending.objects.create(project=mails, year=2023, external_dkk=300_000, internal_dkk=700_000)

    fleet = _project("Flåde", syddjurs, round_one, partners=[norddjurs], closing_reason="data")
    _stop(fleet)
    _decide(fleet, syddjurs, "postponed", "capacity")
    # Odense took part, decided not to, and left: its decision no longer counts.
    Participation.objects.create(project=fleet, organisation=odense)
    _decide(fleet, odense, "not_to", "business_case")
    Participation.objects.filter(project=fleet, organisation=odense).delete()
    _indicator(fleet, "hours", 500, 800)
    Spending.objects.create(project=fleet, year=2022, external_dkk=600_000, internal_dkk=200_000)

    children = _project("Børn", aarhus, round_two, partners=[odense])
    _decide(children, odense, "undecided")
    _indicator(children, "quality", 3, 4, (RECENTLY, Decimal("3.2")))

    health = _project(
        "Sundhed",
        region,
        round_two,
        outcome="closed",
        closing_reason="no_legal_basis",
        outcome_note="Ingen hjemmel.",
    )
    _stop(health)
    _decide(health, region, "not_to", "no_legal_basis")
    _indicator(health, "hours", 100, 50, (LONG_AGO, 100))
    Spending.objects.create(project=health, year=2022, external_dkk=0, internal_dkk=500_000)

    loose = _project("Uden pulje", norddjurs, None)
    _decide(loose, norddjurs, "in_operation")

    archived = _project("Arkiveret", norddjurs, round_one, archived=True)
    _decide(archived, norddjurs, "in_operation")
    Spending.objects.create(project=archived, year=2022, external_dkk=1, internal_dkk=0)
    _indicator(archived, "hours", 0, 10, (RECENTLY, 10))
    return {
        "round_one": round_one,
        "round_two": round_two,
        "mails": mails,
        "fleet": fleet,
        "children": children,
        "health": health,
        "loose": loose,
        "odense": odense,
        "region": region,
    }


@pytest.fixture
def agency_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_the_world_has_the_outcomes_the_decisions_imply(world):
    outcomes = {
        name: type(project).objects.get(pk=project.pk).outcome
        for name, project in world.items()
        if name in ("mails", "fleet", "children", "health", "loose")
    }
    assert outcomes == {
        "mails": "scaled",
        "fleet": "stopped",
        "children": "ongoing",
        "health": "closed",
        "loose": "in_operation",
    }


def _figures(value):
    """Every Figure in the dashboard's destination part."""
    if isinstance(value, Figure):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _figures(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _figures(item)


def _listed(client, url) -> list:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    assert page.paginator.count <= 25, "the fixture fits on one page"
    return list(page.object_list)


def _names(client, url) -> set[str]:
    """Projects by title, organisations as "organisation @ project"."""
    names = set()
    for row in _listed(client, url):
        if isinstance(row, dict):
            names.add(f"{row['organisation_name']} @ {row['project_title']}")
        else:
            names.add(row.title)
    return names


def test_every_new_number_links_to_exactly_what_it_counts(agency_client, world):
    response = agency_client.get(reverse("dashboard"))
    html = response.content.decode()
    figures = list(_figures(response.context["destination"]))
    assert len(figures) > 80
    for figure in figures:
        assert figure.url, figure
        assert f'<a href="{escape(figure.url)}">{figure.value}</a>' in html, figure
        listed = _listed(agency_client, figure.url)
        assert len(listed) == figure.value, figure.url
    # And every number link in the new sections is one of those figures.
    # (from operation to spending; the solutions' figures below are tested with them)
    start = html.index('id="operation-heading"')
    end = html.index('id="solution-maturity-heading"')
    links = re.findall(r'<a href="([^"]+)">([\d.]+)</a>', html[start:end])
    assert {unescape(url) for url, _n in links} <= {f.url for f in figures}
    assert len(links) == len(figures)


def _row(rows, label):
    return next(row for row in rows if str(row["label"]) == label)


def test_operation_per_round_and_in_total(agency_client, world):
    destination = agency_client.get(reverse("dashboard")).context["destination"]
    rows = destination["operation"]
    assert [str(row["label"]) for row in rows] == [
        "Runde 1",
        "Runde 2",
        "Ingen pulje",
        "Alle puljer",
    ]

    def numbers(label):
        row = _row(rows, label)
        keys = (
            "finished",
            "in_operation",
            "without_operation",
            "organisations_running",
            "organisations_not_to",
            "organisations_postponed",
        )
        return tuple(row[key].value for key in keys)

    # The archived project and Odense's decision (it left the project) count nowhere.
    assert numbers("Runde 1") == (2, 1, 1, 2, 1, 1)
    assert numbers("Runde 2") == (1, 0, 1, 0, 1, 0)
    assert numbers("Ingen pulje") == (1, 1, 0, 1, 0, 0)
    assert numbers("Alle puljer") == (4, 2, 2, 3, 2, 1)

    total = _row(rows, "Alle puljer")
    assert _names(agency_client, total["finished"].url) == {
        "Mails",
        "Flåde",
        "Sundhed",
        "Uden pulje",
    }
    assert _names(agency_client, total["in_operation"].url) == {"Mails", "Uden pulje"}
    assert _names(agency_client, total["organisations_running"].url) == {
        "Norddjurs Kommune @ Mails",
        "Aarhus Kommune @ Mails",
        "Norddjurs Kommune @ Uden pulje",
    }
    assert _names(agency_client, total["organisations_not_to"].url) == {
        "Syddjurs Kommune @ Mails",
        "Region Midtjylland @ Sundhed",
    }

    reasons = {
        str(label): (not_to.value, postponed.value, closed.value)
        for label, not_to, postponed, closed in _row(rows, "Runde 1")["reasons"]
    }
    assert reasons == {
        "GDPR / databeskyttelse": (1, 0, 0),
        "Organisatorisk kapacitet eller kompetencer": (0, 1, 0),
        "Datakvalitet eller adgang til data": (0, 0, 1),
    }
    closed_for_data = next(
        closed for _l, _n, _p, closed in _row(rows, "Runde 1")["reasons"] if closed.value
    )
    assert _names(agency_client, closed_for_data.url) == {"Flåde"}
    reasons_two = _row(rows, "Runde 2")["reasons"]
    assert [(n.value, p.value, c.value) for _l, n, p, c in reasons_two] == [(1, 0, 1)]
    assert _names(agency_client, reasons_two[0][1].url) == {"Region Midtjylland @ Sundhed"}
    assert _names(agency_client, reasons_two[0][3].url) == {"Sundhed"}


def test_benefits_per_round_from_the_indicators(agency_client, world):
    destination = agency_client.get(reverse("dashboard")).context["destination"]
    rows = destination["benefits"]

    def numbers(label):
        row = _row(rows, label)
        keys = (
            "indicators",
            "with_baseline",
            "measured_recently",
            "expected_hours",
            "realised_hours",
            "expected_dkk",
            "realised_dkk",
        )
        return tuple(row[key] for key in keys) + tuple(f.value for f in row["bands"])

    # Counted in the target's direction: 1.000 → 400 hours spent expects 600 freed, and 700
    # spent has freed 300. The unmeasured indicator is in neither sum.
    assert numbers("Runde 1") == (3, 3, 2, 600, 300, 100_000, 120_000, 1, 0, 1, 0)
    assert numbers("Runde 2") == (2, 2, 1, 50, 0, None, None, 0, 2, 0, 0)
    assert numbers("Ingen pulje") == (0, 0, 0, None, None, None, None, 1, 0, 0, 0)
    assert numbers("Alle puljer") == (5, 5, 3, 650, 300, 100_000, 120_000, 2, 2, 1, 0)
    bands = _row(rows, "Alle puljer")["bands"]
    assert _names(agency_client, bands[0].url) == {"Flåde", "Uden pulje"}
    assert _names(agency_client, bands[1].url) == {"Børn", "Sundhed"}
    assert _names(agency_client, bands[2].url) == {"Mails"}

    html = agency_client.get(reverse("dashboard")).content.decode()
    assert "600 timer" in html and "120.000 kr." in html


def test_consultant_share_per_round_and_by_outcome(agency_client, world):
    destination = agency_client.get(reverse("dashboard")).context["destination"]
    by_round, by_outcome = (rows for rows, _heading, _caption in destination["spending_tables"])

    def numbers(rows, label):
        row = _row(rows, label)
        return (row["external"], row["internal"], row["share"], *(f.value for f in row["bands"]))

    assert numbers(by_round, "Runde 1") == (900_000, 900_000, Decimal("50.0"), 0, 0, 1, 1)
    assert numbers(by_round, "Runde 2") == (0, 500_000, Decimal("0.0"), 1, 1, 0, 0)
    assert numbers(by_round, "Ingen pulje") == (0, 0, None, 1, 0, 0, 0)
    assert numbers(by_round, "Alle puljer") == (900_000, 1_400_000, Decimal("39.1"), 2, 1, 1, 1)
    assert numbers(by_outcome, "Kommet i drift") == (300_000, 700_000, Decimal("30.0"), 1, 0, 1, 0)
    assert numbers(by_outcome, "Stoppet eller lukket uden drift") == (
        600_000,
        700_000,
        Decimal("46.2"),
        0,
        1,
        0,
        1,
    )
    assert numbers(by_outcome, "Stadig i gang") == (0, 0, None, 1, 0, 0, 0)
    reached = _row(by_outcome, "Kommet i drift")["bands"]
    assert _names(agency_client, reached[0].url) == {"Uden pulje"}
    assert _names(agency_client, reached[2].url) == {"Mails"}

    html = agency_client.get(reverse("dashboard")).content.decode()
    assert "39,1 %" in html and "46,2 %" in html


def test_the_dashboard_tables_are_accessible(agency_client, world):
    html = agency_client.get(reverse("dashboard")).content.decode()
    start = html.index('id="operation-heading"')
    end = html.index('id="solution-maturity-heading"')
    tables = re.findall(r"<table.*?</table>", html[start:end], re.DOTALL)
    assert len(tables) == 6
    for table in tables:
        assert "<caption" in table
        assert 'scope="col"' in table and 'scope="row"' in table


# The operation decisions across the portfolio


def decision_rows(client, **params) -> set[str]:
    return _names(client, reverse("operation_decision_list") + "?" + _query(params))


def _query(params) -> str:
    from urllib.parse import urlencode

    return urlencode(params, doseq=True)


def test_every_organisation_on_an_active_project_is_a_row(agency_client, world):
    assert decision_rows(agency_client) == {
        "Norddjurs Kommune @ Mails",
        "Syddjurs Kommune @ Mails",
        "Aarhus Kommune @ Mails",
        "Syddjurs Kommune @ Flåde",
        "Norddjurs Kommune @ Flåde",
        "Aarhus Kommune @ Børn",
        "Odense Kommune @ Børn",
        "Region Midtjylland @ Sundhed",
        "Norddjurs Kommune @ Uden pulje",
    }
    response = agency_client.get(reverse("operation_decision_list"))
    rows = response.context["rows"]
    # By project title, the lead first.
    assert [(r["project_title"], r["organisation_name"]) for r in rows[:3]] == [
        ("Børn", "Aarhus Kommune"),
        ("Børn", "Odense Kommune"),
        ("Flåde", "Syddjurs Kommune"),
    ]
    html = response.content.decode()
    assert "Endnu ikke besluttet" in html
    assert "Sat i drift" in html and "01.03.2024" in html and "Økonomiudvalget" in html
    assert "GDPR / databeskyttelse" in html and "Se referatet." in html
    assert "Tilsluttet for at tage løsningen i brug" in html
    assert f'href="{reverse("project_detail", args=[world["mails"].pk])}"' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"decision": "undecided"},
            {"Norddjurs Kommune @ Flåde", "Aarhus Kommune @ Børn", "Odense Kommune @ Børn"},
        ),
        (
            {"decision": "in_operation"},
            {
                "Norddjurs Kommune @ Mails",
                "Aarhus Kommune @ Mails",
                "Norddjurs Kommune @ Uden pulje",
            },
        ),
        ({"decision": "postponed"}, {"Syddjurs Kommune @ Flåde"}),
        ({"reason_category": "no_legal_basis"}, {"Region Midtjylland @ Sundhed"}),
        ({"reason_category": "business_case"}, set()),
        ({"organisation_kind": "region"}, {"Region Midtjylland @ Sundhed"}),
        ({"funding_round": "null"}, {"Norddjurs Kommune @ Uden pulje"}),
        ({"finished": "no"}, {"Aarhus Kommune @ Børn", "Odense Kommune @ Børn"}),
        (
            {"finished": "yes", "decision": "undecided"},
            {"Norddjurs Kommune @ Flåde"},
        ),
    ],
)
def test_decision_filters(agency_client, world, params, expected):
    assert decision_rows(agency_client, **params) == expected


def test_decision_filters_by_round_and_organisation(agency_client, world, syddjurs):
    assert decision_rows(agency_client, funding_round=world["round_two"].pk) == {
        "Aarhus Kommune @ Børn",
        "Odense Kommune @ Børn",
        "Region Midtjylland @ Sundhed",
    }
    assert decision_rows(agency_client, organisation=syddjurs.pk) == {
        "Syddjurs Kommune @ Mails",
        "Syddjurs Kommune @ Flåde",
    }
    # Odense left Flåde: it is offered (it is on Børn), but its old decision is not a row.
    assert decision_rows(agency_client, organisation=world["odense"].pk) == {
        "Odense Kommune @ Børn"
    }


@pytest.mark.parametrize(
    "params",
    [
        {"decision": "nonsense"},
        {"funding_round": "999999"},
        {"funding_round": "abc"},
        {"organisation": "<script>"},
        {"finished": "maybe"},
        {"page": "9999"},
        {"page": "x"},
    ],
)
def test_bad_decision_filter_values_never_break_the_list(agency_client, world, params):
    response = agency_client.get(reverse("operation_decision_list"), params)
    assert response.status_code == 200


def test_decision_list_pages_keep_the_filter(agency_client, world, settings):
    settings.PAGE_SIZE = 2
    response = agency_client.get(reverse("operation_decision_list"), {"decision": "undecided"})
    assert response.context["page"].paginator.count == 3
    html = response.content.decode()
    assert "?decision=undecided&amp;page=2" in html
    assert '<option value="undecided" selected>' in html
    second = agency_client.get(
        reverse("operation_decision_list"), {"decision": "undecided", "page": 2}
    )
    assert len(second.context["rows"]) == 1


def _more(count, lead, partner, funding_round):
    for number in range(count):
        project = _project(
            f"Flere {number}",
            lead,
            funding_round,
            partners=[partner],
            ai_act_risk_class="high",
            ai_act_role="deployer",  # with AI Act obligations, counted per row
        )
        _decide(project, partner, "not_to", "data")
        _indicator(project, "hours", 10, 20, (RECENTLY, 15))
        Spending.objects.create(project=project, year=2023, external_dkk=5, internal_dkk=5)
        factories.StatusUpdateFactory(project=project)


@pytest.mark.parametrize(
    "url",
    [
        reverse("operation_decision_list"),
        reverse("operation_decision_list") + "?decision=undecided&finished=no",
        reverse("dashboard"),
        reverse("project_list"),
        reverse("project_list") + "?decision=undecided&realisation=50_99&order=-realisation",
    ],
)
def test_queries_do_not_grow_with_the_data(agency_client, world, norddjurs, syddjurs, url):
    _more(2, norddjurs, syddjurs, world["round_one"])
    small = count_queries(agency_client, url)
    _more(25, norddjurs, syddjurs, world["round_two"])
    assert count_queries(agency_client, url) == small <= 18


def test_exports_run_a_fixed_number_of_queries(agency_client, world, norddjurs, syddjurs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name) -> int:
        with CaptureQueriesContext(connection) as context:
            response = agency_client.get(reverse(name))
            b"".join(response.streaming_content)
        return len(context.captured_queries)

    _more(2, norddjurs, syddjurs, world["round_one"])
    small = {name: queries(name) for name in ("export_csv", "export_xlsx")}
    _more(25, norddjurs, syddjurs, world["round_one"])
    assert {name: queries(name) for name in ("export_csv", "export_xlsx")} == small


# The portfolio list's new columns and the exports


def test_list_shows_organisations_in_operation_realisation_and_share(agency_client, world):
    response = agency_client.get(reverse("project_list"), {"order": "title"})
    projects = {p.title: p for p in response.context["page"].object_list}
    assert (projects["Mails"].organisations_running, projects["Mails"].organisations_total) == (
        2,
        3,
    )
    assert (projects["Flåde"].organisations_running, projects["Flåde"].organisations_total) == (
        0,
        2,
    )
    html = response.content.decode()
    assert "2 af 3" in html
    assert "85 %" in html and "30 %" in html and "75 %" in html


def test_list_sorts_on_realisation_and_share_with_the_unmeasured_last(agency_client, world):
    def order(param):
        response = agency_client.get(reverse("project_list"), {"order": param})
        return [p.title for p in response.context["page"].object_list]

    # Mails 85 %, Børn 20 %, Sundhed 0 %; Flåde and Uden pulje not measured.
    assert order("realisation") == ["Sundhed", "Børn", "Mails", "Flåde", "Uden pulje"]
    assert order("-realisation") == ["Mails", "Børn", "Sundhed", "Flåde", "Uden pulje"]
    # Sundhed 0 %, Mails 30 %, Flåde 75 %; Børn and Uden pulje spent nothing recorded.
    assert order("consultant_share") == ["Sundhed", "Mails", "Flåde", "Børn", "Uden pulje"]
    assert order("-consultant_share") == ["Flåde", "Mails", "Sundhed", "Børn", "Uden pulje"]


def test_list_filters_reach_the_dashboards_sets(agency_client, world):
    def titles(**params):
        return _names(agency_client, reverse("project_list") + "?" + _query(params))

    assert titles(decision="undecided") == {"Flåde", "Børn"}
    assert titles(decision="not_to") == {"Mails", "Sundhed"}
    # Odense's decision on Flåde is not counted: it left.
    assert titles(reason_category="business_case") == set()
    assert titles(reason_category="data") == {"Flåde"}
    assert titles(reason_category="data_protection") == {"Mails"}
    assert titles(closing_reason="no_legal_basis") == {"Sundhed"}
    assert titles(funding_round="null") == {"Uden pulje"}
    assert titles(finished="yes", funding_round=world["round_one"].pk) == {"Mails", "Flåde"}


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))


def test_csv_export_carries_decisions_reason_realisation_and_share(agency_client, world):
    rows = {row["Titel"]: row for row in _csv(agency_client.get(reverse("export_csv")))}
    assert rows["Mails"]["Idriftsættelsesbeslutninger"] == (
        "Norddjurs Kommune: sat i drift 01.03.2024; "
        "Aarhus Kommune: sat i drift 01.09.2024; "
        "Syddjurs Kommune: besluttet ikke at idriftsætte (GDPR / databeskyttelse)"
    )
    assert rows["Flåde"]["Idriftsættelsesbeslutninger"] == (
        "Syddjurs Kommune: udskudt (Organisatorisk kapacitet eller kompetencer); "
        "Norddjurs Kommune: endnu ikke besluttet"
    )
    assert rows["Mails"]["Gevinster realiseret (%)"] == "85,0"
    assert rows["Mails"]["Eksterne konsulenters andel (%)"] == "30,0"
    assert rows["Børn"]["Eksterne konsulenters andel (%)"] == ""
    assert rows["Sundhed"]["Årsag til lukning uden drift"] == "Ingen hjemmel til drift"
    assert rows["Mails"]["Årsag til lukning uden drift"] == ""
    assert not any(name.startswith("Forventede") for name in rows["Mails"])


def test_xlsx_export_carries_the_same_columns(agency_client, world):
    response = agency_client.get(reverse("export_xlsx"), {"outcome": ["scaled", "closed"]})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    by_title = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_title) == {"Mails", "Sundhed"}
    assert by_title["Mails"]["Gevinster realiseret (%)"] == 85
    assert by_title["Sundhed"]["Eksterne konsulenters andel (%)"] == 0
    assert by_title["Sundhed"]["Idriftsættelsesbeslutninger"] == (
        "Region Midtjylland: besluttet ikke at idriftsætte (Ingen hjemmel til drift)"
    )
    assert by_title["Sundhed"]["Årsag til lukning uden drift"] == "Ingen hjemmel til drift"


def test_only_the_agency_reads_the_decisions_across_the_portfolio(
    client, world, coordinator, participant, administrator
):
    url = reverse("operation_decision_list")
    response = client.get(url, {"decision": "undecided"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    for partner in (coordinator, participant):
        client.force_login(partner)
        assert client.get(url).status_code == 403
    client.force_login(administrator)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("today", "since"),
    [(date(2024, 2, 29), date(2023, 2, 28)), (date(2025, 6, 15), date(2024, 6, 15))],
)
def test_measured_in_the_last_12_months_counts_from_the_same_day_a_year_ago(today, since):
    from projects.selectors.portfolio import _year_before

    assert _year_before(today) == since
