"""Change history, no lost updates, withdrawal and archiving, login throttling, headers."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from projects.models import Barrier, Project, StatusUpdate
from tests import factories, payloads

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


# History


def test_history_shows_who_changed_which_field_from_what_to_what(client, coordinator, project):
    client.force_login(coordinator)
    client.post(
        reverse("project_edit", args=[project.pk]),
        payloads.project_edit(project, dpia_status="completed", title="Journalisering 2.0"),
    )
    updates = LogEntry.objects.get_for_object(project).filter(action=LogEntry.Action.UPDATE)
    entry = next(e for e in updates if "dpia_status" in e.changes_dict)
    assert entry.actor == coordinator
    assert entry.changes_dict["dpia_status"] == ["not_started", "completed"]
    html = client.get(reverse("project_history", args=[project.pk])).content.decode()
    assert "Konsekvensanalyse (DPIA)" in html
    assert "Ikke startet" in html and "Gennemført" in html
    assert "Journalisering 2.0" in html and coordinator.get_full_name() in html


def test_history_covers_the_records_under_the_project(client, coordinator, project):
    client.force_login(coordinator)
    client.post(
        reverse("barrier_create", args=[project.pk]),
        {
            "submission_token": payloads.token(),
            "category": "data",
            "title": "Data mangler",
            "description": "x",
            "severity": "high",
            "status": "open",
            "identified_on": "2022-03-01",
        },
    )
    barrier = Barrier.objects.get(project=project)
    client.post(
        reverse("barrier_resolve", args=[project.pk, barrier.pk]),
        {"resolution": "Udtræk aftalt.", "resolved_on": "2022-04-01", "version": 1},
    )
    html = client.get(reverse("project_history", args=[project.pk])).content.decode()
    assert "Data mangler" in html and "Udtræk aftalt." in html and "Løst" in html


def test_history_is_not_readable_outside_the_project(client, outsider, project):
    client.force_login(outsider)
    assert client.get(reverse("project_history", args=[project.pk])).status_code == 404


def test_history_page_queries_do_not_grow(client, coordinator, project):
    from tests.helpers import count_queries

    client.force_login(coordinator)
    url = reverse("project_history", args=[project.pk])
    for number in range(2):
        factories.BarrierFactory(project=project, title=f"B{number}", author=coordinator)
    small = count_queries(client, url)
    for number in range(30):
        factories.BarrierFactory(project=project, title=f"C{number}", author=coordinator)
    assert count_queries(client, url) == small


# No lost updates


def test_a_save_over_someone_elses_change_is_refused_and_keeps_the_input(
    coordinator, administrator, project
):
    first, second = Client(), Client()
    first.force_login(coordinator)
    second.force_login(administrator)
    url = reverse("project_edit", args=[project.pk])
    # Both open the form at the same version.
    first.get(url)
    second.get(url)
    opened = payloads.project_edit(project)
    assert second.post(url, {**opened, "dpia_status": "completed"}).status_code == 302

    response = first.post(url, {**opened, "legal_basis": "Art. 6, stk. 1, litra e."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nogen har ændret dette, efter du åbnede formularen." in html
    assert "Art. 6, stk. 1, litra e." in html  # what they typed is still there
    assert "Gennemført" in html  # what the other person saved is shown
    project.refresh_from_db()
    assert project.dpia_status == "completed" and project.legal_basis == ""

    # Saving again, now knowing about the other change, goes through.
    resubmitted = response.context["form"].data
    assert first.post(url, resubmitted).status_code == 302
    project.refresh_from_db()
    assert project.legal_basis == "Art. 6, stk. 1, litra e."


def test_a_gate_decision_made_meanwhile_is_not_overwritten(coordinator, administrator, project):
    phase = factories.PhaseFactory(project=project, started_on=date(2022, 1, 1))
    first, second = Client(), Client()
    first.force_login(coordinator)
    second.force_login(administrator)
    url = reverse("phase_advance", args=[project.pk])
    form = {
        "phase_id": phase.pk,
        "phase_version": phase.version,
        "decided_on": "2022-06-01",
        "decided_by": "Styregruppen",
        "rationale": "Klar.",
        "closing_reason": "capacity",
        "closing_explanation": "Ingen ressourcer til drift.",
    }
    assert second.post(url, {**form, "decision": "on_hold"}).status_code == 302
    response = first.post(url, {**form, "decision": "stop"})
    assert response.status_code == 200
    project.refresh_from_db()
    assert (project.outcome, project.closing_reason) == ("ongoing", "")


def test_a_profile_opened_before_a_gate_decision_cannot_undo_it(coordinator, project):
    phase = factories.PhaseFactory(project=project, started_on=date(2022, 1, 1))
    client = Client()
    client.force_login(coordinator)
    opened = payloads.project_edit(project)
    client.post(
        reverse("phase_advance", args=[project.pk]),
        {
            "phase_id": phase.pk,
            "phase_version": phase.version,
            "decision": "stop",
            "decided_on": "2022-06-01",
            "decided_by": "Styregruppen",
            "rationale": "Stop.",
            "closing_reason": "no_legal_basis",
            "closing_explanation": "Ingen hjemmel til drift.",
        },
    )
    # The profile form does not carry the outcome or why the project closed: its save cannot
    # put "ongoing" back or drop the reason.
    response = client.post(reverse("project_edit", args=[project.pk]), opened)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.outcome, project.closing_reason, project.outcome_note) == (
        "stopped",
        "no_legal_basis",
        "Ingen hjemmel til drift.",
    )


def test_two_answers_to_the_same_request(coordinator, administrator, project):
    note = factories.ReviewNoteFactory(project=project, kind="follow_up")
    first, second = Client(), Client()
    first.force_login(coordinator)
    second.force_login(administrator)
    url = reverse("review_note_answer", args=[project.pk, note.pk])
    assert second.post(url, {"answer": "Svar A", "version": 1}).status_code == 302
    response = first.post(url, {"answer": "Svar B", "version": 1})
    assert response.status_code == 200 and "Svar B" in response.content.decode()
    note.refresh_from_db()
    assert note.answer == "Svar A"


# Withdrawal and archiving


def test_withdrawn_update_leaves_the_page_but_keeps_its_history(client, coordinator, project):
    client.force_login(coordinator)
    old = factories.StatusUpdateFactory(
        project=project, reported_on=date(2022, 1, 1), overall_status="green", progress="Gammel"
    )
    wrong = factories.StatusUpdateFactory(
        project=project,
        reported_on=date(2022, 2, 1),
        overall_status="red",
        progress="Fejlindtastning",
    )
    url = reverse("entry_withdraw", args=[project.pk, "updates", wrong.pk])
    confirmation = client.get(url).content.decode()
    assert (
        "Fejlindtastning"
        in client.get(reverse("project_detail", args=[project.pk])).content.decode()
    )
    assert "kan gendanne" in confirmation.replace(
        "\n", " "
    )  # says what will happen before anything does
    response = client.post(url)
    assert response.status_code == 302
    assert StatusUpdate.all_objects.filter(pk=wrong.pk).exists()
    html = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert "Fejlindtastning" not in html and "Gammel" in html
    project.refresh_from_db()
    assert project.current_status == "green" and project.last_status_on == old.reported_on
    history = client.get(reverse("project_history", args=[project.pk])).content.decode()
    assert "trukket tilbage" in history.lower()


def test_withdrawing_an_unknown_kind_is_not_found(client, coordinator, project):
    client.force_login(coordinator)
    url = reverse("entry_withdraw", args=[project.pk, "phases", 1])
    assert client.post(url).status_code == 404


def test_archived_project_is_hidden_and_can_be_restored(client, administrator, reviewer, project):
    client.force_login(administrator)
    client.post(reverse("project_archive", args=[project.pk]))
    project.refresh_from_db()
    assert project.archived
    assert project.title not in client.get(reverse("project_list")).content.decode()
    archived = client.get(reverse("project_list"), {"archived": "1"})
    assert project.title in archived.content.decode()
    client.force_login(reviewer)
    assert (
        project.title not in client.get(reverse("project_list"), {"archived": "1"}).content.decode()
    )
    client.force_login(administrator)
    client.post(reverse("project_restore", args=[project.pk]))
    project.refresh_from_db()
    assert not project.archived
    assert Project.objects.filter(pk=project.pk).exists()


# Login protection


def test_repeated_failed_logins_are_locked_with_a_danish_message(client, coordinator, settings):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": coordinator.username, "password": "forkert"})
    response = client.post(
        url, {"username": coordinator.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 429
    assert "For mange mislykkede logins" in response.content.decode()
    # Another user from the same address is not locked out.
    other = factories.UserFactory(username="anden-bruger")
    response = Client().post(
        url, {"username": other.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, coordinator):
    response = client.post(
        reverse("login"),
        {"username": coordinator.username, "password": "correct horse battery staple"},
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# Headers


@pytest.mark.parametrize("page", ["login", "project"])
def test_security_headers(client, coordinator, project, page):
    if page == "project":
        client.force_login(coordinator)
        url = reverse("project_detail", args=[project.pk])
    else:
        url = reverse("login")
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()  # no inline scripts to allow


def test_hsts_in_production(client, settings):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "production-like-key-7f3a9c2e1b8d4f6a0e5c3b9d7f1a2c4e6b8d0f",
    "ALLOWED_HOSTS": "sig.example.dk",
    "CSRF_TRUSTED_ORIGINS": "https://sig.example.dk",
}


def test_check_deploy_is_clean_with_production_settings():
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "SECURE_SSL", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        **PRODUCTION,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
