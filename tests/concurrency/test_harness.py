"""The harness itself: every form the races submit is saved when nothing races, so a failed
race is the application's doing, not a malformed request's."""

import pytest
from django.urls import reverse

from projects.models import Barrier, Decision, Phase, Project, ReviewNote, StatusUpdate
from tests import factories
from tests.concurrency import payloads
from tests.concurrency.harness import SAVED, forms_on, outcome_of, refusal_reason

pytestmark = pytest.mark.django_db(transaction=True)


def test_hidden_inputs_are_taken_from_the_chosen_form_only():
    page = """
      <form method="post" action="/logout/"><input type="hidden" name="csrfmiddlewaretoken"
        value="a"></form>
      <form method="post" novalidate>
        <input type="hidden" name="csrfmiddlewaretoken" value="b">
        <input type="hidden" name="version" value="3" id="id_version"/>
        <input type="HIDDEN" name="submission_token" value="t&amp;1">
        <input type="hidden" name="ignored" value="x" disabled>
        <input type="text" name="title" value="visible">
      </form>"""
    logout, edit = forms_on(page, "http://testserver/projects/1/edit/")
    assert logout.action == "http://testserver/logout/"
    assert edit.action == "http://testserver/projects/1/edit/"
    assert edit.hidden == [
        ("csrfmiddlewaretoken", "b"),
        ("version", "3"),
        ("submission_token", "t&1"),
    ]


def _names(hidden) -> set[str]:
    return {name for name, _value in hidden}


def _assert_saved(response, what):
    assert outcome_of(response) == SAVED, (
        f"{what}: HTTP {response.status_code} {response.headers.get('Location', '')} "
        f"{refusal_reason(response) if response.status_code == 200 else response.text[:500]}"
    )


def test_every_raced_form_is_saved_when_submitted_one_after_the_other(
    people, coordinator, colleague, reviewer, new_project
):
    first, second, agency = people(coordinator), people(colleague), people(reviewer)

    project = new_project()
    barrier = factories.BarrierFactory(project=project)
    edit = first.open_form(reverse("barrier_edit", args=[project.pk, barrier.pk]))
    # The form carries its version (and whatever else it hides) besides the CSRF token.
    assert {"csrfmiddlewaretoken"} < _names(edit.hidden)
    escalate = second.open_form(reverse("barrier_escalate", args=[project.pk, barrier.pk]))
    _assert_saved(first.submit(edit, payloads.barrier_edit(title="Ny titel")), "barrier edit")
    _assert_saved(second.submit(escalate, payloads.escalation()), "escalation")
    barrier.refresh_from_db()
    assert (barrier.title, barrier.escalated) == ("Ny titel", True)

    note = factories.ReviewNoteFactory(project=project, kind="follow_up", author=reviewer)
    answer = first.open_form(reverse("review_note_answer", args=[project.pk, note.pk]))
    close = agency.open_form(
        payloads.project_page(project), reverse("review_note_close", args=[project.pk, note.pk])
    )
    _assert_saved(first.submit(answer, payloads.review_answer(answer="Svar")), "answer")
    _assert_saved(agency.submit(close), "closing")
    note.refresh_from_db()
    assert note.answer == "Svar" and note.closed_at is not None

    profile = first.open_form(reverse("project_edit", args=[project.pk]))
    status = second.open_form(reverse("status_update_create", args=[project.pk]))
    _assert_saved(
        first.submit(profile, payloads.profile(project, title="Ny projekttitel")), "profile edit"
    )
    _assert_saved(
        second.submit(
            status, payloads.status_update(progress="Rødt", overall="red", help_text="Hjælp")
        ),
        "status update",
    )
    project = Project.objects.get(pk=project.pk)
    assert project.title == "Ny projekttitel"
    assert (project.current_status, project.help_requested) == ("red", True)
    assert StatusUpdate.objects.filter(project=project, progress="Rødt").exists()

    gate = first.open_form(reverse("phase_advance", args=[project.pk]))
    assert {"csrfmiddlewaretoken"} < _names(gate.hidden)
    _assert_saved(first.submit(gate, payloads.gate_go()), "gate decision")
    assert Phase.objects.filter(project=project, ended_on__isnull=True).get().kind == "development"

    record = first.open_form(reverse("decision_create", args=[project.pk]))
    _assert_saved(
        first.submit(record, payloads.decision(title="Leverandør", barriers=[barrier])),
        "decision",
    )
    assert Decision.objects.filter(project=project, title="Leverandør").count() == 1
    assert Barrier.objects.filter(pk=barrier.pk).exists()
    assert ReviewNote.objects.filter(pk=note.pk).exists()
