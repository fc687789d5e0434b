"""Every lesson has its own page, read by exactly those who may read the lesson: a lesson
shared with the portfolio is read there by users of other organisations, who may not open its
project; the page and the library link to the project only for those who may."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import PhaseKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(project, coordinator):
    coordinator.first_name, coordinator.last_name = "Mette", "Madsen"
    coordinator.email = "mette.madsen@norddjurs.dk"
    coordinator.save()
    project.contact_name = "Jens Jensen"
    project.contact_email = "jens.jensen@norddjurs.dk"
    project.save()
    return factories.LessonFactory(
        project=project,
        title="Aftal dataudtræk før projektstart",
        what_happened="Det tog fem måneder at få et brugbart udtræk.",
        advice="Skriv dataudtræk ind i kontrakten.",
        category="data",
        phase=PhaseKind.CLARIFICATION,
        visibility="portfolio",
        author=coordinator,
        learned_on=date(2023, 2, 1),
    )


def lesson_page(client, lesson) -> str:
    response = client.get(reverse("lesson_detail", args=[lesson.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_another_organisation_reads_a_shared_lesson_on_its_own_page(
    client, outsider, shared, project
):
    client.force_login(outsider)
    library = client.get(reverse("lesson_list")).content.decode()
    page_url = reverse("lesson_detail", args=[shared.pk])
    assert f'href="{page_url}"' in library
    html = lesson_page(client, shared)
    for text in [
        "Aftal dataudtræk før projektstart",
        '<meta name="description" content="Aftal dataudtræk før projektstart: en erfaring fra '
        'Norddjurs Kommune.">',
        "Det tog fem måneder at få et brugbart udtræk.",
        "Skriv dataudtræk ind i kontrakten.",
        "Hvad skete der",
        "Gode råd til andre",
        "Data",
        "Afklaring",
        "Norddjurs Kommune",
        "01.02.2023",
        project.title,
        # Whom to ask: who wrote and shared the lesson.
        "Mette Madsen",
        'href="mailto:mette.madsen@norddjurs.dk"',
    ]:
        assert text in html, text
    # The project's contact person is part of the project record, which this user may not read.
    assert "Jens Jensen" not in html
    assert "jens.jensen@norddjurs.dk" not in html
    # The project's title as text only: its page is 404 for this user.
    assert reverse("project_detail", args=[project.pk]) not in html
    assert client.get(reverse("project_detail", args=[project.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "participant", "reviewer"])
def test_those_who_may_open_the_project_get_a_link_to_it(client, request, shared, project, persona):
    client.force_login(request.getfixturevalue(persona))
    project_link = f'href="{reverse("project_detail", args=[project.pk])}"'
    html = lesson_page(client, shared)
    assert project_link in html
    # They read the project, so its contact person too.
    assert "Jens Jensen" in html and 'href="mailto:jens.jensen@norddjurs.dk"' in html
    assert project_link in client.get(reverse("lesson_list")).content.decode()
    assert client.get(reverse("project_detail", args=[project.pk])).status_code == 200


def test_a_lesson_kept_to_the_project_is_read_by_its_organisations(
    client, project, participant_viewer, outsider
):
    kept = factories.LessonFactory(project=project, title="Kun internt", visibility="project")
    client.force_login(participant_viewer)
    assert "Kun internt" in lesson_page(client, kept)
    client.force_login(outsider)
    assert client.get(reverse("lesson_detail", args=[kept.pk])).status_code == 404


def test_an_inactive_author_is_named_without_an_address(client, outsider, shared, coordinator):
    coordinator.is_active = False
    coordinator.save()
    client.force_login(outsider)
    html = lesson_page(client, shared)
    assert "Mette Madsen" in html
    assert "mailto:mette.madsen@norddjurs.dk" not in html


def test_a_lesson_without_a_contact_says_so(client, outsider, aarhus):
    project = factories.ProjectFactory(lead_organisation=aarhus, contact_name="", contact_email="")
    lesson = factories.LessonFactory(project=project, author=None)
    client.force_login(outsider)
    assert "Projektet har ikke angivet en kontaktperson." in lesson_page(client, lesson)


def test_the_page_speaks_english_when_asked(client, outsider, shared):
    client.force_login(outsider)
    client.cookies.load({"django_language": "en"})
    html = client.get(
        reverse("lesson_detail", args=[shared.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "What happened" in html and "Advice for others" in html


def test_lessons_beside_a_form_link_to_their_pages(client, outsider, shared, aarhus):
    """A lesson offered beside the gate-decision form of another organisation's project."""
    own = factories.ProjectFactory(lead_organisation=aarhus)
    factories.PhaseFactory(project=own, kind=PhaseKind.CLARIFICATION, started_on=date(2022, 1, 1))
    client.force_login(outsider)
    html = client.get(reverse("phase_advance", args=[own.pk])).content.decode()
    assert f'href="{reverse("lesson_detail", args=[shared.pk])}"' in html


def test_the_library_and_the_page_keep_their_query_count_as_lessons_grow(
    client, outsider, project, aarhus
):
    own = factories.ProjectFactory(lead_organisation=aarhus)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    def add_lessons(count: int) -> list:
        author = factories.UserFactory()
        return [
            lesson
            for _ in range(count)
            for lesson in (
                factories.LessonFactory(project=project, visibility="portfolio", author=author),
                factories.LessonFactory(project=own, author=author),
            )
        ]

    client.force_login(outsider)
    first = add_lessons(1)[0]
    library = reverse("lesson_list")
    page = reverse("lesson_detail", args=[first.pk])
    few = queries(library), queries(page)
    add_lessons(12)
    assert (queries(library), queries(page)) == few
