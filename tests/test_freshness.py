"""No page shows a state older than the last write, at any later time: the portfolio list,
the dashboard and the project page, run with the production cache configuration."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from projects import services
from projects.models import Outcome, TrafficLight
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


def test_pages_follow_every_write_at_any_later_time(
    client, reviewer, coordinator, participant, project, syddjurs
):
    factories.PhaseFactory(project=project)
    pages = {
        "list": reverse("project_list"),
        "dashboard": reverse("dashboard"),
        "project": reverse("project_detail", args=[project.pk]),
    }
    client.force_login(reviewer)

    def red_shown() -> dict[str, bool]:
        shown = {}
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200
            if name == "dashboard":
                html = response.content.decode()
                shown[name] = response.context["attention"]["red"] == 1
                # The rendered table, kept with the figures, says the same.
                assert ('current_status=red&amp;closed=exclude">1</a>' in html) == shown[name]
            else:
                shown[name] = "status-red" in response.content.decode()
        return shown

    def in_operation_shown() -> dict[str, bool]:
        """Whether each page shows the project in operation."""
        list_page = client.get(pages["list"])
        dashboard = client.get(pages["dashboard"])
        project_page = client.get(pages["project"])
        return {
            "list": [p.outcome for p in list_page.context["page"]] == [Outcome.IN_OPERATION],
            "dashboard": dict(dashboard.context["outcomes"])[Outcome.IN_OPERATION] == 1,
            "project": project_page.context["project"].outcome == Outcome.IN_OPERATION,
        }

    with time_machine.travel(START, tick=False) as clock:
        assert red_shown() == dict.fromkeys(pages, False)
        # A quiet period in which anything cached earlier has expired.
        clock.shift(timedelta(minutes=20))
        assert red_shown() == dict.fromkeys(pages, False)
        update = factories.StatusUpdateFactory.build(
            project=project, reported_on=START.date(), overall_status=TrafficLight.RED
        )
        services.log_status_update(update=update, author=coordinator)
        assert red_shown() == dict.fromkeys(pages, True)
        for minutes in (6, 10, 45):  # +6, +16 and +61 minutes after the write
            clock.shift(timedelta(minutes=minutes))
            assert red_shown() == dict.fromkeys(pages, True), f"{minutes} minutes on"

        # The participating organisation puts the solution into operation.
        assert in_operation_shown() == dict.fromkeys(pages, False)
        services.record_operation_decision(
            decision=factories.OperationDecisionFactory.build(
                project=project, organisation=syddjurs, decided_on=START.date()
            ),
            author=participant,
            expected_version=0,
            fields=["decision", "decided_on"],
        )
        assert in_operation_shown() == dict.fromkeys(pages, True)
        for minutes in (6, 10, 45):
            clock.shift(timedelta(minutes=minutes))
            assert in_operation_shown() == dict.fromkeys(pages, True), f"{minutes} minutes on"
