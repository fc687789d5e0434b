"""The denormalised phase, outcome and status on a project cannot drift from its history,
whichever path writes it: the services, the Django admin or a plain ORM save."""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import services
from projects.models import Outcome, Phase, PhaseKind, Project, StatusUpdate, TrafficLight
from tests import factories

pytestmark = pytest.mark.django_db


def test_denormalised_phase_and_status_cannot_drift(norddjurs, coordinator, admin_client):
    """Random sequences of writes that change phases and statuses, through the services,
    the admin and the ORM, checked against the history they leave after each one."""
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
        action = rng.choice(
            ["update", "backdated", "withdraw", "gate", "gate", "orm", "orm_delete", "admin"]
        )
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
            try:
                services.log_status_update(update=update, author=coordinator)
            except ValidationError as refused:  # dated before the current phase began
                assert "reported_on" in refused.message_dict
        elif action == "withdraw":
            entries = list(StatusUpdate.objects.filter(project=project).order_by("pk"))
            if entries:
                services.withdraw_entry(entry=rng.choice(entries), user=coordinator)
        elif action == "orm":
            entries = list(StatusUpdate.objects.filter(project=project).order_by("pk"))
            if entries:
                entry = rng.choice(entries)
                entry.overall_status = rng.choice(TrafficLight.values)
                entry.help_needed, entry.help_text = True, "Hjælp."
                entry.save()
        elif action == "orm_delete":
            entries = list(StatusUpdate.all_objects.filter(project=project).order_by("pk"))
            if entries:
                rng.choice(entries).delete()
        elif action == "admin":
            response = admin_client.post(
                reverse("admin:projects_statusupdate_add"),
                {
                    "project": project.pk,
                    "reported_on": day.isoformat(),
                    "overall_status": rng.choice(TrafficLight.values),
                    "schedule_status": "green",
                    "budget_status": "green",
                    "benefits_status": "green",
                    "progress": "Fra administrationen.",
                },
            )
            assert response.status_code == 302, response.content.decode()[:500]
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
    assert project.outcome == Outcome.following(newest_phase, current=project.outcome)
