from datetime import date

import pytest
from django.urls import reverse

from projects.models import PhaseKind, ReviewNote
from tests import factories, payloads

pytestmark = pytest.mark.django_db


# Review notes


def test_follow_up_request_from_reviewer_to_coordinator_and_back(
    client, reviewer, coordinator, project
):
    client.force_login(reviewer)
    client.post(
        reverse("review_note_create", args=[project.pk]),
        payloads.review_note(text="Send os konsekvensanalysen."),
    )
    note = ReviewNote.objects.get(project=project)
    assert note.author == reviewer and note.is_open

    client.force_login(coordinator)
    listing = client.get(reverse("project_list")).content.decode()
    assert "Opfølgningsanmodning" in listing
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert "Send os konsekvensanalysen." in page
    assert reverse("review_note_answer", args=[project.pk, note.pk]) in page
    assert reverse("review_note_close", args=[project.pk, note.pk]) not in page
    client.post(
        reverse("review_note_answer", args=[project.pk, note.pk]),
        {"answer": "Den er vedhæftet i ESDH.", "version": note.version},
    )
    note.refresh_from_db()
    assert note.answer == "Den er vedhæftet i ESDH." and note.answered_by == coordinator
    assert note.answered_at is not None

    client.force_login(reviewer)
    client.post(reverse("review_note_close", args=[project.pk, note.pk]))
    note.refresh_from_db()
    assert note.closed_by == reviewer and note.closed_at >= note.answered_at
    client.force_login(coordinator)
    assert "Opfølgningsanmodning" not in client.get(reverse("project_list")).content.decode()


def test_a_closed_request_cannot_be_answered(client, coordinator, project, reviewer):
    note = factories.ReviewNoteFactory(project=project, kind="follow_up", author=reviewer)
    from projects import services

    services.close_review_note(note=note, user=reviewer)
    client.force_login(coordinator)
    response = client.post(
        reverse("review_note_answer", args=[project.pk, note.pk]), {"answer": "For sent."}
    )
    assert response.status_code == 200
    assert "kan ikke længere besvares" in response.content.decode()
    note.refresh_from_db()
    assert note.answer == ""


def test_an_empty_note_is_refused_with_a_message(client, reviewer, project):
    client.force_login(reviewer)
    response = client.post(
        reverse("review_note_create", args=[project.pk]), {"kind": "follow_up", "text": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert not ReviewNote.objects.exists()


# Lessons library


@pytest.fixture
def lessons(project, aarhus):
    other = factories.ProjectFactory(
        title="Aarhus-projekt", lead_organisation=aarhus, area="children"
    )
    return {
        "own": factories.LessonFactory(
            project=project,
            title="Egen erfaring",
            visibility="project",
            category="legal",
            phase=PhaseKind.TRIAL,
        ),
        "shared": factories.LessonFactory(
            project=other,
            title="Delt erfaring",
            visibility="portfolio",
            category="legal",
            phase=PhaseKind.TRIAL,
            advice="Automatisk journalisering sparer tid.",
        ),
        "hidden": factories.LessonFactory(
            project=other,
            title="Skjult erfaring",
            visibility="project",
            category="legal",
            phase=PhaseKind.TRIAL,
        ),
    }


def lesson_titles(client, **params) -> set[str]:
    response = client.get(reverse("lesson_list"), params)
    assert response.status_code == 200
    return {lesson.title for lesson in response.context["page"].object_list}


def test_library_shows_own_and_shared_lessons_only(client, coordinator, lessons):
    client.force_login(coordinator)
    assert lesson_titles(client) == {"Egen erfaring", "Delt erfaring"}
    assert "Skjult erfaring" not in client.get(reverse("lesson_list")).content.decode()


def test_a_user_without_membership_reads_only_shared_lessons(client, lessons):
    client.force_login(factories.UserFactory())
    assert lesson_titles(client) == {"Delt erfaring"}


def test_agency_reads_every_lesson(client, reviewer, lessons):
    client.force_login(reviewer)
    assert lesson_titles(client) == {"Egen erfaring", "Delt erfaring", "Skjult erfaring"}


def test_library_filters(client, reviewer, lessons, aarhus):
    client.force_login(reviewer)
    assert lesson_titles(client, area="children") == {"Delt erfaring", "Skjult erfaring"}
    assert lesson_titles(client, organisation=aarhus.pk) == {"Delt erfaring", "Skjult erfaring"}
    assert lesson_titles(client, category="data") == set()
    assert lesson_titles(client, phase="trial", q="journalisering") == {"Delt erfaring"}


def test_organisation_choices_come_from_readable_lessons(client, coordinator, lessons):
    client.force_login(coordinator)
    form = client.get(reverse("lesson_list")).context["filter"].form
    names = {organisation.name for organisation in form.fields["organisation"].queryset}
    assert names == {"Norddjurs Kommune", "Aarhus Kommune"}


def test_danish_word_forms_find_each_other(client, reviewer, lessons):
    client.force_login(reviewer)
    assert lesson_titles(client, q="journaliseringen") == {"Delt erfaring"}


# Related lessons beside the forms


def test_related_lessons_beside_the_gate_decision_form(client, coordinator, project, lessons):
    factories.PhaseFactory(project=project, kind=PhaseKind.TRIAL, started_on=date(2022, 1, 1))
    client.force_login(coordinator)
    response = client.get(reverse("phase_advance", args=[project.pk]))
    related = {lesson.title for lesson in response.context["related_lessons"]}
    # Other projects' lessons the user may read; never their own or hidden ones.
    assert related == {"Delt erfaring"}


def test_related_lessons_beside_the_barrier_form(client, coordinator, project, lessons):
    barrier = factories.BarrierFactory(project=project, category="legal", phase="trial")
    client.force_login(coordinator)
    response = client.get(reverse("barrier_edit", args=[project.pk, barrier.pk]))
    assert {lesson.title for lesson in response.context["related_lessons"]} == {"Delt erfaring"}
    assert "Automatisk journalisering sparer tid." in response.content.decode()
