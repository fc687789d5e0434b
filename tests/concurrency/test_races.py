"""Two people submit forms about the same record at the same moment. Whatever the order the
server ends up running them in, neither may get a 500, and a write the user was told was
saved must be in the database afterwards. Refusing one of them (the form comes back, e.g.
with a conflict) is allowed."""

from functools import partial

import pytest
from django.urls import reverse

from projects.models import Decision, Phase, Project, ReviewNote, StatusUpdate
from tests import factories
from tests.concurrency import payloads
from tests.concurrency.harness import staggered

pytestmark = pytest.mark.django_db(transaction=True)

# Enough for the interleavings that lose writes to come up on a 2-core machine, while the
# package stays within a minute.
PAIRS = 16


def _latest_status(project):
    return StatusUpdate.objects.filter(project=project).order_by("-reported_on", "-id").first()


def _has_update(project, progress: str) -> bool:
    return StatusUpdate.objects.filter(project=project, progress=progress).exists()


def test_barrier_edit_racing_its_escalation_loses_neither(
    people, coordinator, colleague, new_project, race_report
):
    editor, escalator = people(coordinator, "editor"), people(colleague, "escalator")
    report = race_report("barrier edit × escalation of the same barrier")
    for index, delays in staggered(PAIRS):
        project = new_project()
        barrier = factories.BarrierFactory(project=project)
        title = f"Omdøbt barriere {index}"
        edit = editor.open_form(reverse("barrier_edit", args=[project.pk, barrier.pk]))
        escalate = escalator.open_form(reverse("barrier_escalate", args=[project.pk, barrier.pk]))

        edited, escalated = report.race(
            partial(editor.submit, edit, payloads.barrier_edit(title=title)),
            partial(escalator.submit, escalate, payloads.escalation()),
            delays=delays,
        )

        barrier.refresh_from_db()
        if report.saved("edit", edited) and barrier.title != title:
            report.lose("edit", f"barrier {barrier.pk} is titled {barrier.title!r}, not {title!r}")
        if report.saved("escalation", escalated) and not barrier.escalated:
            report.lose("escalation", f"barrier {barrier.pk} is not escalated")
    report.check()


def test_answer_racing_the_reviewer_closing_the_request_keeps_the_answer(
    people, coordinator, reviewer, new_project, race_report
):
    answerer, closer = people(coordinator, "coordinator"), people(reviewer, "reviewer")
    report = race_report("answer × closing of the same follow-up request")
    for index, delays in staggered(PAIRS):
        project = new_project()
        note = factories.ReviewNoteFactory(project=project, kind="follow_up", author=reviewer)
        text = f"DPIA er færdig ({index})."
        answer = answerer.open_form(reverse("review_note_answer", args=[project.pk, note.pk]))
        close = closer.open_form(
            payloads.project_page(project),
            reverse("review_note_close", args=[project.pk, note.pk]),
        )

        answered, closed = report.race(
            partial(answerer.submit, answer, payloads.review_answer(answer=text)),
            partial(closer.submit, close),
            delays=delays,
        )

        note = ReviewNote.objects.get(pk=note.pk)
        if report.saved("answer", answered) and note.answer != text:
            report.lose("answer", f"note {note.pk} has the answer {note.answer!r}, not {text!r}")
        if report.saved("closing", closed) and note.closed_at is None:
            report.lose("closing", f"note {note.pk} is open")
    report.check()


def test_profile_edit_racing_a_red_status_update_keeps_the_project_status_right(
    people, coordinator, colleague, new_project, race_report
):
    editor, reporter = people(coordinator, "editor"), people(colleague, "reporter")
    report = race_report("project profile edit × red status update asking for help")
    for index, delays in staggered(PAIRS):
        project = new_project()
        title = f"Nyt projektnavn {index}"
        progress = f"Rødt: leverandøren er forsinket ({index})."
        edit = editor.open_form(reverse("project_edit", args=[project.pk]))
        status = reporter.open_form(reverse("status_update_create", args=[project.pk]))

        edited, reported = report.race(
            partial(editor.submit, edit, payloads.profile(project, title=title)),
            partial(
                reporter.submit,
                status,
                payloads.status_update(
                    progress=progress, overall="red", help_text="Vi har brug for jurister."
                ),
            ),
            delays=delays,
        )

        stored = Project.objects.get(pk=project.pk)
        if report.saved("profile edit", edited) and stored.title != title:
            report.lose("profile edit", f"project {stored.pk} is titled {stored.title!r}")
        if report.saved("status update", reported) and not _has_update(stored, progress):
            report.lose("status update", f"project {stored.pk} has no update {progress!r}")
        latest = _latest_status(stored)
        shown = (stored.current_status, stored.last_status_on, stored.help_requested)
        truth = (latest.overall_status, latest.reported_on, latest.help_needed)
        if shown != truth:
            report.lose(
                "project's current status",
                f"project {stored.pk} shows (status, date, help) {shown}, its latest update "
                f"says {truth}",
            )
    report.check()


def test_status_update_racing_a_profile_edit_is_kept(
    people, coordinator, colleague, new_project, race_report
):
    reporter, editor = people(coordinator, "reporter"), people(colleague, "editor")
    report = race_report("status update × project profile edit")
    for index, delays in staggered(PAIRS):
        project = new_project()
        progress = f"Gult: test af model ({index})."
        title = f"Omdøbt projekt {index}"
        status = reporter.open_form(reverse("status_update_create", args=[project.pk]))
        edit = editor.open_form(reverse("project_edit", args=[project.pk]))

        reported, edited = report.race(
            partial(reporter.submit, status, payloads.status_update(progress=progress)),
            partial(editor.submit, edit, payloads.profile(project, title=title)),
            delays=delays,
        )

        if report.saved("status update", reported) and not _has_update(project, progress):
            report.lose("status update", f"project {project.pk} has no update {progress!r}")
        stored_title = Project.objects.get(pk=project.pk).title
        if report.saved("profile edit", edited) and stored_title != title:
            report.lose("profile edit", f"project {project.pk} is titled {stored_title!r}")
    report.check()


def test_status_update_racing_a_gate_decision_is_kept(
    people, coordinator, colleague, new_project, race_report
):
    reporter, steering = people(coordinator, "reporter"), people(colleague, "gate decider")
    report = race_report("status update × gate decision (go) on the same project")
    for index, delays in staggered(PAIRS):
        project = new_project()
        progress = f"Gult: test af model ({index})."
        open_phase = Phase.objects.get(project=project, ended_on__isnull=True)
        status = reporter.open_form(reverse("status_update_create", args=[project.pk]))
        gate = steering.open_form(reverse("phase_advance", args=[project.pk]))

        reported, decided = report.race(
            partial(reporter.submit, status, payloads.status_update(progress=progress)),
            partial(steering.submit, gate, payloads.gate_go()),
            delays=delays,
        )

        if report.saved("status update", reported) and not _has_update(project, progress):
            report.lose("status update", f"project {project.pk} has no update {progress!r}")
        if report.saved("gate decision", decided):
            phase = Phase.objects.get(pk=open_phase.pk)
            if phase.gate_decision != "go" or phase.ended_on is None:
                report.lose("gate decision", f"phase {phase.pk} was not closed with go")
            if not Decision.objects.filter(project=project, kind="gate").exists():
                report.lose("gate decision", f"project {project.pk} has no gate decision logged")
    report.check()
