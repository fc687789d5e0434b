"""The cached portfolio list and dashboard are emptied by every write; the denormalised
phase and status on a project cannot drift from its history."""

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse

from projects import services
from projects.models import Phase, PhaseKind, Project, StatusUpdate, TrafficLight
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def caching(settings):
    settings.PORTFOLIO_CACHE = True


def test_cached_list_is_served_until_a_write(client, caching, reviewer, project, coordinator):
    client.force_login(reviewer)
    url = reverse("project_list")
    cold = count_queries(client, url)
    warm = count_queries(client, url)
    assert warm < cold
    assert "status-red" not in client.get(url).content.decode()

    update = factories.StatusUpdateFactory.build(
        project=project, reported_on=date(2024, 1, 1), overall_status=TrafficLight.RED
    )
    services.log_status_update(update=update, author=coordinator)
    assert "status-red" in client.get(url).content.decode()


def test_cached_dashboard_follows_writes(client, caching, reviewer, project):
    client.force_login(reviewer)
    url = reverse("dashboard")
    assert client.get(url).context["total"] == 1
    factories.ProjectFactory(title="Nyt projekt")
    assert client.get(url).context["total"] == 2
    project.archived = True
    project.save()
    assert client.get(url).context["total"] == 1


def test_cached_list_is_never_shared_across_organisations(
    client, caching, reviewer, outsider, project
):
    client.force_login(reviewer)
    assert project.title in client.get(reverse("project_list")).content.decode()
    client.force_login(outsider)
    assert project.title not in client.get(reverse("project_list")).content.decode()


def test_denormalised_phase_and_status_cannot_drift(norddjurs, coordinator):
    """Random sequences of the services that change phases and statuses, checked against
    the history they leave."""
    rng = random.Random(3)
    project = services.create_project(
        project=factories.ProjectFactory.build(
            lead_organisation=norddjurs, funding_round=None, start_date=date(2020, 1, 1)
        ),
        participants=[],
    )
    day = date(2020, 1, 2)
    for _ in range(40):
        day += timedelta(days=rng.randint(0, 20))
        action = rng.choice(["update", "backdated", "withdraw", "gate", "gate"])
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
            services.log_status_update(update=update, author=coordinator)
        elif action == "withdraw":
            entry = StatusUpdate.objects.filter(project=project).order_by("?").first()
            if entry:
                services.withdraw_entry(entry=entry, user=coordinator)
        elif Phase.objects.filter(project=project, ended_on__isnull=True).exists():
            services.advance_phase(
                project=project,
                decision=rng.choice(["go", "go", "on_hold"]),
                decided_on=day,
                decided_by="Styregruppen",
                rationale="r",
                author=coordinator,
            )
        _assert_in_step(Project.objects.get(pk=project.pk))


def _assert_in_step(project):
    latest = StatusUpdate.objects.filter(project=project).order_by("-reported_on", "-pk").first()
    assert project.current_status == (latest.overall_status if latest else "")
    assert project.last_status_on == (latest.reported_on if latest else None)
    assert project.help_requested == (latest.help_needed if latest else False)
    newest_phase = Phase.objects.filter(project=project).order_by("-started_on", "-pk").first()
    assert project.current_phase == newest_phase.kind
    assert Phase.objects.filter(project=project, ended_on__isnull=True).count() <= 1
    assert project.current_phase in PhaseKind.values
