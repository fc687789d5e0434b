"""AI Act obligations across the portfolio: the list's filters, its flag and the exports'
columns, and the dashboard's obligations by risk class, whose every number is the length of
the list it links to."""

import csv
import io
import re
from datetime import date
from html import unescape

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from projects.models import AIActRiskClass, Obligation, ObligationStatus, ProjectObligation
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

PAST = date(2024, 6, 30)  # a planned go-live long gone: every obligation is due by then


def mark(project, code, status, **fields):
    held = ProjectObligation.objects.get(project=project, obligation__code=code)
    held.status = status
    if status == ObligationStatus.DONE:
        fields.setdefault("completed_on", date(2024, 6, 1))
    if status == ObligationStatus.NOT_APPLICABLE:
        fields.setdefault("not_applicable_reason", "Systemet bruges ikke over for borgere.")
    for name, value in fields.items():
        setattr(held, name, value)
    held.save()


@pytest.fixture
def agency_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def world(norddjurs, syddjurs):
    """Projects whose obligations are in every state. Transparency (art. 50) applies from a
    date far ahead here, so that an obligation can be open without being overdue."""
    transparency = Obligation.objects.get(code="art50-transparency")
    transparency.applies_from = date(2099, 1, 1)
    transparency.save()  # applied to every project at once

    def project(title, **fields):
        fields.setdefault("lead_organisation", norddjurs)
        fields.setdefault("planned_end_date", PAST)
        return factories.ProjectFactory(title=title, **fields)

    high = {"ai_act_risk_class": "high", "ai_act_role": "deployer"}
    notifications = project("Underretninger", annex_iii_area="essential_services", **high)
    mark(notifications, "art5-prohibited-practices", ObligationStatus.DONE)
    mark(notifications, "art4-ai-literacy", ObligationStatus.NOT_APPLICABLE)
    mark(notifications, "art27-fria", ObligationStatus.IN_PROGRESS)
    chatbot = project("Chatbot", annex_iii_area="employment", **high)
    for code in ("art26-1-instructions", "art26-2-human-oversight"):
        mark(chatbot, code, ObligationStatus.IN_PROGRESS)
    chatbot.ai_act_risk_class = "limited"
    chatbot.save()  # its high-risk obligations are superseded, and no longer counted
    mark(chatbot, "art5-prohibited-practices", ObligationStatus.DONE)
    mark(chatbot, "art4-ai-literacy", ObligationStatus.DONE)
    mark(chatbot, "art50-transparency", ObligationStatus.DONE)
    fleet = project(
        "Flådestyring",
        lead_organisation=syddjurs,
        ai_act_risk_class="minimal",
        current_phase="operation",
        outcome="in_operation",
    )
    mark(fleet, "art4-ai-literacy", ObligationStatus.DONE)
    mark(fleet, "art5-prohibited-practices", ObligationStatus.IN_PROGRESS)
    closed = project(
        "Lukket projekt",
        annex_iii_area="essential_services",
        outcome="closed",
        closing_reason="data",
        outcome_note="Data var ikke gode nok.",
        **high,
    )
    # Going live in 2099: transparency is due from its (moved) date, still far ahead.
    assistant = project(
        "Sagsassistent", ai_act_risk_class="limited", planned_end_date=date(2099, 6, 1)
    )
    mark(assistant, "art5-prohibited-practices", ObligationStatus.DONE)
    mark(assistant, "art4-ai-literacy", ObligationStatus.DONE)
    archived = project("Arkiveret", ai_act_risk_class="minimal", archived=True)
    return {
        "notifications": notifications,
        "chatbot": chatbot,
        "fleet": fleet,
        "closed": closed,
        "assistant": assistant,
        "archived": archived,
    }


def titles(client, **params) -> set[str]:
    response = client.get(reverse("project_list"), params)
    assert response.status_code == 200
    return {project.title for project in response.context["page"].object_list}


def test_the_world_is_as_described(world):
    def held(name):
        return ProjectObligation.objects.current().filter(project=world[name])

    assert held("notifications").count() == 14
    assert held("notifications").overdue().count() == 12
    assert held("closed").overdue().count() == 14
    assert not held("chatbot").open().exists()
    superseded = ProjectObligation.objects.filter(project=world["chatbot"]).exclude(
        superseded_on=None
    )
    assert superseded.count() == 14 - 3  # art. 4, 5 and 50 stay
    assert list(held("assistant").open().values_list("obligation__code", flat=True)) == [
        "art50-transparency"
    ]
    assert not held("assistant").overdue().exists()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Overdue obligations call for follow-up: closed projects are left out unless asked.
        ({"obligations": "overdue"}, {"Underretninger", "Flådestyring"}),
        (
            {"obligations": "overdue", "closed": "include"},
            {"Underretninger", "Flådestyring", "Lukket projekt"},
        ),
        (
            {"obligations": "open_before_operation"},
            {"Underretninger", "Flådestyring", "Sagsassistent"},
        ),
        (
            {"obligation_status": "done"},
            {"Underretninger", "Chatbot", "Flådestyring", "Sagsassistent"},
        ),
        ({"obligation_status": "not_applicable"}, {"Underretninger"}),
        ({"obligation_status": "in_progress"}, {"Underretninger", "Flådestyring"}),
        (
            {"obligation_status": "not_started"},
            {"Underretninger", "Lukket projekt", "Sagsassistent"},
        ),
        ({"obligation_status": "not_started", "ai_act_risk_class": "limited"}, {"Sagsassistent"}),
        ({"obligations": "overdue", "ai_act_risk_class": "minimal"}, {"Flådestyring"}),
    ],
)
def test_the_list_filters_on_obligations(agency_client, world, params, expected):
    assert titles(agency_client, **params) == expected


@pytest.mark.parametrize("params", [{"obligations": "someday"}, {"obligation_status": "late"}])
def test_an_unknown_obligation_filter_value_is_shown_as_an_error(agency_client, world, params):
    response = agency_client.get(reverse("project_list"), params)
    assert response.status_code == 200
    assert set(response.context["filter"].errors) == set(params)


def test_a_coordinator_filters_only_their_own_projects(client, coordinator, world):
    client.force_login(coordinator)
    assert titles(client, obligations="overdue") == {"Underretninger"}


def test_the_list_flags_the_overdue_obligations_with_their_number(agency_client, world):
    response = agency_client.get(reverse("project_list"), {"order": "title"})
    rows = {project.title: project for project in response.context["page"].object_list}
    assert {title: row.overdue_obligations for title, row in rows.items()} == {
        "Chatbot": 0,
        "Flådestyring": 1,
        "Lukket projekt": 14,
        "Sagsassistent": 0,
        "Underretninger": 12,
    }
    html = response.content.decode()
    assert "12 forfaldne forpligtelser efter AI-forordningen" in html
    assert "1 forfalden forpligtelse efter AI-forordningen" in html


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


EXPORTED = {
    # title: (open, overdue)
    "Underretninger": (12, 12),
    "Chatbot": (0, 0),
    "Flådestyring": (1, 1),
    "Lukket projekt": (14, 14),
    "Sagsassistent": (1, 0),
}


def test_both_exports_carry_the_open_and_overdue_obligations(agency_client, world):
    header, *rows = _csv(agency_client.get(reverse("export_csv")))
    opened = header.index("Åbne forpligtelser efter AI-forordningen")
    overdue = header.index("Forfaldne forpligtelser efter AI-forordningen")
    title = header.index("Titel")
    assert {row[title]: (int(row[opened]), int(row[overdue])) for row in rows} == EXPORTED
    response = agency_client.get(reverse("export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert {
        row[header.index("Titel")]: (row[opened] or 0, row[overdue] or 0) for row in rows
    } == EXPORTED
    # Exactly the filtered projects.
    header, *rows = _csv(agency_client.get(reverse("export_csv"), {"obligations": "overdue"}))
    assert {row[title] for row in rows} == {"Underretninger", "Flådestyring"}


# The dashboard


def _obligation_figures(context) -> list:
    table = context["obligations"]
    return [figure for row in table["rows"] for figure in (*row["statuses"], row["overdue"])]


def test_the_dashboard_counts_projects_with_obligations_by_risk_class(agency_client, world):
    table = agency_client.get(reverse("dashboard")).context["obligations"]
    assert [status.value for status in table["statuses"]] == [
        "not_started",
        "in_progress",
        "done",
        "not_applicable",
    ]
    counts = [
        [figure.value for figure in row["statuses"]] + [row["overdue"].value]
        for row in table["rows"]
    ]
    assert [str(row["label"]) for row in table["rows"]][:-1] == [
        str(risk_class.label) for risk_class in AIActRiskClass
    ]
    assert counts == [
        # not started, in progress, done, not applicable, overdue
        [0, 0, 0, 0, 0],  # not assessed
        [0, 1, 1, 0, 1],  # minimal
        [1, 0, 2, 0, 0],  # limited
        [2, 1, 1, 1, 1],  # high (the closed project is not followed up as overdue)
        [0, 0, 0, 0, 0],  # prohibited
        [3, 2, 4, 1, 2],  # all risk classes
    ]


def test_every_obligation_number_links_to_exactly_the_projects_behind_it(agency_client, world):
    response = agency_client.get(reverse("dashboard"))
    html = response.content.decode()
    figures = _obligation_figures(response.context)
    assert len(figures) == 6 * 5
    assert any(figure.value for figure in figures)
    for figure in figures:
        assert f'<a href="{escape(figure.url)}">{figure.value}</a>' in html, figure
        listed = agency_client.get(figure.url).context["page"].paginator.count
        assert listed == figure.value, figure.url
    start = html.index('id="obligations-heading"')
    section = html[start : html.index("</section>", start)]
    links = re.findall(r'<a href="([^"]+)">([\d.]+)</a>', section)
    assert {unescape(url) for url, _n in links} == {figure.url for figure in figures}


def test_the_obligations_table_is_accessible(agency_client, world):
    html = agency_client.get(reverse("dashboard")).content.decode()
    start = html.index('id="obligations-heading"')
    section = html[start : html.index("</section>", start)]
    assert "<caption" in section
    assert section.count('<th scope="col"') == 6  # risk class, four statuses, overdue
    assert section.count('<th scope="row"') == 6
    # What is counted is said in words beside the table.
    assert "Et projekt med forpligtelser i flere statusser" in section


def _more(count, organisation):
    for number in range(count):
        project = factories.ProjectFactory(
            title=f"Højrisiko {number}",
            lead_organisation=organisation,
            planned_end_date=PAST,
            ai_act_risk_class="high",
            ai_act_role="deployer",
            annex_iii_area="essential_services",
        )
        mark(project, "art27-fria", ObligationStatus.IN_PROGRESS)
        mark(project, "art4-ai-literacy", ObligationStatus.DONE)


@pytest.mark.parametrize(
    "url",
    [
        reverse("dashboard"),
        reverse("project_list"),
        reverse("project_list") + "?obligations=overdue&order=title",
        reverse("project_list") + "?obligations=open_before_operation",
        reverse("project_list") + "?obligation_status=in_progress&ai_act_risk_class=high",
    ],
)
def test_queries_do_not_grow_with_the_obligations(agency_client, world, norddjurs, url):
    _more(2, norddjurs)
    small = count_queries(agency_client, url)
    _more(20, norddjurs)
    assert count_queries(agency_client, url) == small <= 16


def test_exports_run_a_fixed_number_of_queries_with_more_obligations(
    agency_client, world, norddjurs
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name) -> int:
        with CaptureQueriesContext(connection) as context:
            response = agency_client.get(reverse(name))
            b"".join(response.streaming_content)
        return len(context.captured_queries)

    _more(2, norddjurs)
    small = {name: queries(name) for name in ("export_csv", "export_xlsx")}
    _more(20, norddjurs)
    assert {name: queries(name) for name in ("export_csv", "export_xlsx")} == small


def test_the_overdue_count_follows_the_date(client, reviewer, world):
    """The rows' figures are built once a day: a day later the same list counts the
    obligations that fell due meanwhile."""

    def overdue(title):
        client.force_login(reviewer)
        response = client.get(reverse("project_list"), {"order": "title"})
        rows = {project.title: project for project in response.context["page"].object_list}
        return rows[title].overdue_obligations

    assert overdue("Sagsassistent") == 0
    with time_machine.travel(date(2099, 7, 1), tick=False):
        assert overdue("Sagsassistent") == 1
    assert overdue("Sagsassistent") == 0
