"""The lessons library and the legal answers are searched in Danish on SQLite and PostgreSQL
alike: word forms find each other, categories and legal areas are found by their Danish and
English labels, the title weighs most, hostile input is only text, and nothing the user may
not read is ever found. On SQLite the stemmed text lives in FTS5 tables that follow every write
path."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import search, services
from projects.models import LegalQuestion, LegalQuestionStatus, LessonLearned
from tests import factories
from tests.test_admin import admin_change_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def aarhus_project(aarhus):
    return factories.ProjectFactory(title="Aarhus' chatbot", lead_organisation=aarhus)


@pytest.fixture
def library(project, aarhus_project):
    """Lessons and answers of Norddjurs (shared or kept to the project) and of Aarhus. The
    words searched for are in other forms than the queries below, so no substring match
    finds them."""
    shared = {"project": project, "visibility": "portfolio"}
    kept = {"project": project, "visibility": "project"}
    return {
        "consent": factories.LessonFactory(
            **shared,
            title="Borgernes accept er ikke nok",
            what_happened="Vi byggede på borgernes samtykke, men det holdt ikke i drift.",
            advice="Find et andet behandlingsgrundlag.",
            category="ethics",
        ),
        "data_quality": factories.LessonFactory(
            **shared,
            title="Undersøg data før træning",
            what_happened="Datakvaliteterne i de to fagsystemer var meget forskellige.",
            advice="Mål kvaliteten i afklaringsfasen.",
            category="technology",
        ),
        "legal_category": factories.LessonFactory(
            **shared,
            title="Tal med juristerne",
            what_happened="Afklaringen tog et halvt år.",
            advice="Book tid hos juristerne tidligt.",
            category="legal",
        ),
        # Words of every query, kept to Norddjurs' project: never found by Aarhus.
        "kept": factories.LessonFactory(
            **kept,
            title="Intern note om samtykke, hjemler og GDPR",
            what_happened="Datakvaliteterne og juraen var svære.",
            advice="Intern.",
            category="legal",
        ),
        "own_aarhus": factories.LessonFactory(
            project=aarhus_project,
            visibility="project",
            title="Chatbotten svarede forkert",
            what_happened="Svarene var forældede.",
            advice="Opdater vidensbasen hver uge.",
            category="organisation",
        ),
        "basis": factories.LegalQuestionFactory(
            project=project,
            question="Kan kommunen bruge modellen i drift?",
            legal_area="public_administration",
            status=LegalQuestionStatus.ANSWERED,
            answer="Der mangler klare hjemler i serviceloven til brug i drift.",
            answered_on=date(2023, 3, 1),
            shared=True,
        ),
        "gdpr_area": factories.LegalQuestionFactory(
            project=project,
            question="Må vi gemme chatloggen i et år?",
            legal_area="gdpr",
            status=LegalQuestionStatus.ANSWERED,
            answer="Kun så længe, det er nødvendigt for formålet.",
            answered_on=date(2023, 4, 1),
            shared=True,
        ),
        "unshared_answer": factories.LegalQuestionFactory(
            project=project,
            question="Hjemler og samtykke i den interne sag?",
            legal_area="gdpr",
            status=LegalQuestionStatus.ANSWERED,
            answer="Jura: se notatet om datakvaliteterne.",
            answered_on=date(2023, 5, 1),
            shared=False,
        ),
    }


def lesson_titles(client, q: str) -> list[str]:
    response = client.get(reverse("lesson_list"), {"q": q})
    assert response.status_code == 200
    return [lesson.title for lesson in response.context["page"].object_list]


def questions(client, q: str) -> list[str]:
    response = client.get(reverse("legal_question_list"), {"q": q})
    assert response.status_code == 200
    return [question.question for question in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "lessons", "answers"),
    [
        ("samtykket", {"consent"}, set()),
        ("datakvaliteten", {"data_quality"}, set()),
        ("hjemlen", set(), {"basis"}),
        # The lesson's category "Legal / GDPR" ("Jura/GDPR"), the answer's legal area
        # "GDPR / data protection" ("GDPR / databeskyttelse").
        ("GDPR", {"legal_category"}, {"gdpr_area"}),
        ("Jura", {"legal_category"}, set()),
        ("legal", {"legal_category"}, set()),
        ("databeskyttelse", set(), {"gdpr_area"}),
        ("data protection", set(), {"gdpr_area"}),
        ("forvaltningsret", set(), {"basis"}),
        ("Etik", {"consent"}, set()),
        ("teknologi", {"data_quality"}, set()),
        # Words of text and category together, alternatives and a left-out word.
        ("samtykke etik", {"consent"}, set()),
        ("samtykke teknologi", set(), set()),
        ("samtykket or datakvaliteten", {"consent", "data_quality"}, set()),
        ("jura -juristerne", set(), set()),
        ('"borgernes samtykke"', {"consent"}, set()),
        ('"samtykke borgernes"', set(), set()),
    ],
)
def test_danish_word_forms_and_labels_find_what_the_user_may_read(
    client, outsider, library, query, lessons, answers
):
    """Aarhus' coordinator finds Norddjurs' shared lessons and answers; never those kept to
    Norddjurs' project, which hold every word searched for."""
    client.force_login(outsider)
    assert set(lesson_titles(client, query)) == {library[key].title for key in lessons}
    assert set(questions(client, query)) == {library[key].question for key in answers}


def test_those_who_may_read_the_kept_lesson_find_it(client, coordinator, library):
    client.force_login(coordinator)
    assert library["kept"].title in lesson_titles(client, "samtykket")
    assert library["kept"].title in lesson_titles(client, "GDPR")
    assert library["unshared_answer"].question in questions(client, "hjemlen")
    assert library["unshared_answer"].question in questions(client, "datakvaliteten")


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(client, reviewer, project):
    in_text = factories.LessonFactory(
        project=project,
        title="Om leverandøren",
        what_happened="Kontrakten sagde intet om dataudtræk.",
        learned_on=date(2023, 6, 1),
    )
    in_title = factories.LessonFactory(
        project=project,
        title="Dataudtræk tager tid",
        what_happened="Det tog fem måneder.",
        learned_on=date(2022, 1, 1),
    )
    client.force_login(reviewer)
    # Newest first without a search; the title first with one.
    assert lesson_titles(client, "")[:2] == [in_text.title, in_title.title]
    assert lesson_titles(client, "dataudtrækket") == [in_title.title, in_text.title]


def test_only_stop_words_find_nothing(client, reviewer, library):
    client.force_login(reviewer)
    assert lesson_titles(client, "og i at") == []
    assert questions(client, "og i at") == []


HOSTILE = [
    '"',
    '""',
    '"samtykke',
    "samtykke'",
    "NEAR(samtykke data)",
    "samtykke NEAR data",
    "samtykke AND",
    "AND",
    "OR",
    "or samtykke or",
    "NOT",
    "NOT samtykke",
    "-",
    "--samtykke",
    "*",
    "samtykke*",
    "^samtykke",
    "title:samtykke",
    "what_happened : samtykke",
    "(((samtykke",
    "samtykke)))",
    "{samtykke data}",
    "+samtykke",
    "'; DROP TABLE projects_lessonlearned; --",
    "& | ! :* ( \\ ''",
    "\x00samtykke",
    "samtykke\u200b",
    "x" * 5000,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_only_text(client, outsider, library, query):
    """Operators of FTS5 and of PostgreSQL's query syntax, stray quotes and brackets: the
    page answers, and never with a lesson or answer the user may not read."""
    client.force_login(outsider)
    readable_lessons = {
        record.title
        for key, record in library.items()
        if isinstance(record, LessonLearned) and key != "kept"
    }
    assert set(lesson_titles(client, query)) <= readable_lessons
    shared = {library["basis"].question, library["gdpr_area"].question}
    assert set(questions(client, query)) <= shared


def test_a_quoted_operator_is_a_word(client, reviewer, project):
    near = factories.LessonFactory(project=project, title="Near miss", advice="Not now.")
    client.force_login(reviewer)
    assert lesson_titles(client, "NEAR") == [near.title]
    assert lesson_titles(client, "near not") == [near.title]


# Every write path keeps SQLite's search tables up to date (on PostgreSQL the text is read
# where it is, so these pass there as they do for a user).


def test_a_plain_orm_save_and_delete_are_searched_at_once(client, reviewer, project):
    client.force_login(reviewer)
    lesson = factories.LessonFactory(project=project, title="Første udgave")
    assert lesson_titles(client, "udgaven") == [lesson.title]
    lesson.title = "Anden version"
    lesson.category = "economy"
    lesson.save()
    assert lesson_titles(client, "udgaven") == []
    assert lesson_titles(client, "versionen") == [lesson.title]
    assert lesson_titles(client, "business case") == [lesson.title]
    question = factories.LegalQuestionFactory(project=project, question="Hvad med arkivloven?")
    assert questions(client, "arkivlovens") == [question.question]
    question.legal_area = "procurement"
    question.save()
    assert questions(client, "udbud") == [question.question]
    lesson.delete()
    question.delete()
    assert lesson_titles(client, "versionen") == []
    assert questions(client, "arkivlovens") == []


def test_services_keep_the_search_up_to_date(client, reviewer, coordinator, project):
    client.force_login(reviewer)
    lesson = services.record_lesson(
        lesson=LessonLearned(
            project=project,
            title="Skriv dataudtræk ind i kontrakten",
            what_happened="Leverandøren ville ikke levere.",
            advice="Stil krav i udbuddet.",
            category="suppliers",
            learned_on=date(2023, 1, 1),
        ),
        author=coordinator,
    )
    assert lesson_titles(client, "kontrakterne") == [lesson.title]
    services.withdraw_entry(entry=lesson, user=coordinator)
    assert lesson_titles(client, "kontrakterne") == []
    services.restore_entry(entry=lesson)
    assert lesson_titles(client, "kontrakterne") == [lesson.title]

    question = services.raise_legal_question(
        question=LegalQuestion(
            project=project, question="Må vi dele modellen?", legal_area="other", asked_to="kl"
        ),
        author=coordinator,
    )
    assert questions(client, "modellerne") == [question.question]
    question.status = LegalQuestionStatus.ANSWERED
    question.answer = "Ja, under en åben licens."
    question.answered_on = question.asked_on
    services.update_legal_question(
        question=question,
        expected_version=question.version,
        fields=["status", "answer", "answered_on"],
    )
    assert questions(client, "licens") == [question.question]


def test_an_admin_change_is_searched_at_once(client, project):
    admin = factories.UserFactory(username="search-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    lesson = factories.LessonFactory(project=project, title="Gammel overskrift")
    url = reverse("admin:projects_lessonlearned_change", args=[lesson.pk])
    response = client.post(url, admin_change_form(client, url, title="Ny overskrift om etikken"))
    assert response.status_code == 302
    assert lesson_titles(client, "etik") == ["Ny overskrift om etikken"]
    assert lesson_titles(client, "gammel") == []


def test_bulk_inserted_records_are_indexed_when_asked(client, reviewer, project):
    lessons = LessonLearned.objects.bulk_create(
        [
            factories.LessonFactory.build(project=project, title=f"Masseindlæst erfaring {n}")
            for n in range(3)
        ]
    )
    search.index_records(lessons)
    client.force_login(reviewer)
    assert len(lesson_titles(client, "masseindlæste")) == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search tables")
def test_synchronise_mends_rows_written_around_the_signals(client, reviewer, project):
    """Rows written or deleted without signals (raw SQL, a flush of the test database) are
    put right by `synchronise`, which runs after every migrate and flush."""
    client.force_login(reviewer)
    lesson = factories.LessonFactory(project=project, title="Skjult for søgningen")
    stale = factories.LessonFactory(project=project, title="Slettet uden signal")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_lesson_search WHERE rowid = %s", [lesson.pk])
        cursor.execute("DELETE FROM projects_lessonlearned WHERE id = %s", [stale.pk])
    assert lesson_titles(client, "søgningen") == []
    search.synchronise()
    assert lesson_titles(client, "søgningen") == [lesson.title]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_lesson_search WHERE rowid = %s", [stale.pk])
        assert cursor.fetchone() == (0,)


def test_the_search_adds_no_queries_as_the_data_grows(client, outsider, project, aarhus_project):
    def queries(url):
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    client.force_login(outsider)
    factories.LessonFactory(project=project, visibility="portfolio", advice="Data og jura.")
    factories.LessonFactory(project=aarhus_project, advice="Data og jura.")
    factories.LegalQuestionFactory(project=aarhus_project)
    lessons_url = reverse("lesson_list") + "?q=data+jura"
    legal_url = reverse("legal_question_list") + "?q=GDPR"
    few = queries(lessons_url), queries(legal_url)
    for n in range(15):
        factories.LessonFactory(project=project, visibility="portfolio", advice="Data og jura.")
        factories.LessonFactory(project=aarhus_project, advice="Data og jura.")
        factories.LegalQuestionFactory(
            project=project,
            status=LegalQuestionStatus.ANSWERED,
            answer=f"Svar {n}",
            answered_on=date(2023, 3, 1),
            shared=True,
        )
    assert (queries(lessons_url), queries(legal_url)) == few


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_postgresql_answers_the_legal_search_from_its_index(client, outsider, library):
    """The library's search expression, legal areas' labels included, is the indexed one."""
    from projects.filters import search_legal_questions

    queryset = search_legal_questions(LegalQuestion.objects.all(), "hjemlen")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "legal_question_search_danish" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_postgresql_answers_the_lessons_search_from_its_index(client, outsider, library):
    """The lessons search expression, categories' labels included, is the indexed one."""
    from projects.filters import search_lessons

    queryset = search_lessons(LessonLearned.objects.all(), "samtykket")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "lesson_search_danish" in plan


def test_the_demo_data_answers_the_words_users_search_for(client):
    """Seeded as `make` seeds it: a coordinator of one municipality finds shared lessons or
    answers of others for each word."""
    from io import StringIO

    from django.contrib.auth import get_user_model

    call_command("seed_demo", stdout=StringIO())
    client.force_login(get_user_model().objects.get(username="aalborg-koordinator"))
    for word in ("samtykket", "datakvaliteten", "hjemlen"):
        found = lesson_titles(client, word) + questions(client, word)
        assert found, word
    assert lesson_titles(client, "samtykket") and lesson_titles(client, "datakvaliteten")
    assert questions(client, "hjemlen") and questions(client, "samtykket")


# The project list's free-text search: its substring match, and Danish word forms of the
# title and summary besides.


def project_titles(client, q: str) -> set[str]:
    response = client.get(reverse("project_list"), {"q": q})
    assert response.status_code == 200
    return {project.title for project in response.context["page"].object_list}


def test_the_project_list_finds_danish_word_forms(client, outsider, coordinator, aarhus, norddjurs):
    own = factories.ProjectFactory(
        title="Risikovurdering af underretninger",
        summary="Modellen prioriterer sagerne for socialrådgiverne.",
        lead_organisation=aarhus,
    )
    other = factories.ProjectFactory(
        title="Underretninger i Norddjurs", lead_organisation=norddjurs
    )
    client.force_login(outsider)
    assert project_titles(client, "underretningerne") == {own.title}
    assert project_titles(client, "sagernes prioritering") == set()
    assert project_titles(client, "sagen prioriterer") == {own.title}
    # A part of a word or of the organisation's name, as before.
    assert project_titles(client, "UNDERRETNING") == {own.title}
    assert project_titles(client, "aarhus") == {own.title}
    client.force_login(coordinator)
    assert project_titles(client, "underretningerne") == {other.title}
    own.title = "Tidlig opsporing"
    own.save()
    client.force_login(outsider)
    assert project_titles(client, "opsporingen") == {own.title}


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_only_text_in_the_project_list(
    client, outsider, aarhus, project, query
):
    """The page answers, and never with another organisation's project."""
    factories.ProjectFactory(title="Samtykke og data", lead_organisation=aarhus)
    client.force_login(outsider)
    assert project.title not in project_titles(client, query)
