"""Legal questions and the answers projects share with the whole programme, through the pages:
a coordinator raises a question from a barrier and records the answer; a shared answer is
found by another municipality searching for a Danish word form of it and is offered beside
its new barriers of the same area; nothing unshared leaves the project's readers; the
agency follows the open questions across the portfolio, oldest first."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import LegalQuestion, LegalQuestionStatus
from tests import factories, payloads
from tests.helpers import count_queries
from tests.test_hostile_input import EXAMPLES, HOSTILE_DATE, HOSTILE_NUMBER, HOSTILE_TEXT, choice
from tests.test_permissions import database_snapshot

pytestmark = pytest.mark.django_db

ANSWER = (
    "Behandlingsgrundlaget er databeskyttelsesforordningens art. 6, stk. 1, litra e, "
    "sammenholdt med servicelovens regler om sagsbehandling."
)


def answered(project, **fields) -> LegalQuestion:
    values = {
        "status": LegalQuestionStatus.ANSWERED,
        "answer": ANSWER,
        "answered_on": date(2023, 3, 1),
        "answer_source": "Datatilsynets svar, j.nr. 2023-31-0001",
        **fields,
    }
    return factories.LegalQuestionFactory(project=project, **values)


def library(client, **params):
    response = client.get(reverse("legal_question_list"), params)
    assert response.status_code == 200
    return response


def library_questions(client, **params) -> set[str]:
    return {q.question for q in library(client, **params).context["page"].object_list}


@pytest.fixture
def aarhus_project(aarhus):
    return factories.ProjectFactory(
        title="Risikovurdering af underretninger", lead_organisation=aarhus
    )


# The journey: raised from a barrier, answered, shared, found by another municipality


def test_a_shared_answer_is_found_by_another_municipality_and_offered_beside_its_barrier(
    client, coordinator, outsider, project, aarhus_project
):
    barrier = factories.BarrierFactory(
        project=project, category="legal", title="Uklar hjemmel til træning af modellen"
    )
    client.force_login(coordinator)
    page = unescape(client.get(reverse("project_detail", args=[project.pk])).content.decode())
    create_url = reverse("legal_question_create", args=[project.pk])
    from_barrier = f"{create_url}?barrier={barrier.pk}"
    assert from_barrier in page  # on the barrier, in the open barriers and on the timeline

    # Raised from the barrier: the form names it and suggests the area its category points to.
    form = client.get(from_barrier).context["form"]
    assert form["barrier"].value() == barrier.pk
    assert form["legal_area"].value() == "gdpr"
    response = client.post(
        from_barrier,
        payloads.legal_question(
            question="Har vi behandlingsgrundlag til at træne modellen på journalnotater?",
            barrier=barrier.pk,
        ),
    )
    question = LegalQuestion.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#legal-question-{question.pk}")
    assert question.status == LegalQuestionStatus.OPEN
    assert question.author == coordinator
    assert question.barrier == barrier

    # Answered and shared with the whole programme.
    edit_url = reverse("legal_question_edit", args=[project.pk, question.pk])
    response = client.post(
        edit_url, payloads.legal_answer(question, answer=ANSWER, shared="on", barrier=barrier.pk)
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.status, question.shared, question.answer) == ("answered", True, ANSWER)
    assert question.answered_on == timezone.localdate()
    page = client.get(reverse("project_rules", args=[project.pk])).content.decode()
    assert "Besvaret" in page and "Delt med hele programmet" in page
    # Who answered and shared it is in the project's change history.
    history = client.get(reverse("project_history", args=[project.pk])).content.decode()
    assert "Behandlingsgrundlaget er databeskyttelsesforordningens" in unescape(history)

    # A coordinator in another municipality searches for a word form of the answer.
    client.force_login(outsider)
    assert library_questions(client, q="behandlingsgrundlag") == {question.question}
    # Danish stemming: a form that is no substring of the text finds it too.
    assert library_questions(client, q="behandlingsgrundlagene") == {question.question}
    assert library_questions(client, q="journalnotat") == {question.question}
    html = library(client, q="behandlingsgrundlag").content.decode()
    assert "Datatilsynets svar" in html
    # The outsider reads the answer, not the project: no link to a page they may not open.
    for page in ("project_detail", "project_rules"):
        assert reverse(page, args=[project.pk]) not in html

    # Offered beside the outsider's new GDPR barrier, with a link to the library's area.
    new_barrier = reverse("barrier_create", args=[aarhus_project.pk])
    response = client.get(new_barrier, {"category": "legal"})
    assert response.context["form"]["category"].value() == "legal"
    assert response.context["related_legal_answers"] == [question]
    html = response.content.decode()
    assert "Behandlingsgrundlaget er databeskyttelsesforordningens" in html
    assert "legal_area=gdpr&amp;legal_area=public_administration" in html
    # Also when the category comes with a refused form, and on the barrier's edit form.
    response = client.post(new_barrier, payloads.barrier(category="legal", title=""))
    assert response.status_code == 200
    assert response.context["related_legal_answers"] == [question]
    own = factories.BarrierFactory(project=aarhus_project, category="legal")
    response = client.get(reverse("barrier_edit", args=[aarhus_project.pk, own.pk]))
    assert response.context["related_legal_answers"] == [question]


def test_an_unshared_question_stays_with_the_projects_readers(
    client, outsider, participant_viewer, project, aarhus_project
):
    kept = answered(project, question="Må vi profilere borgerne?", shared=False)
    open_question = factories.LegalQuestionFactory(project=project, question="Skal vi lave DPIA?")
    client.force_login(outsider)
    assert library_questions(client) == set()
    assert library_questions(client, q="behandlingsgrundlag") == set()
    for question in (kept, open_question):
        url = reverse("legal_question_edit", args=[project.pk, question.pk])
        assert client.get(url).status_code == 404
        before = LegalQuestion.objects.get(pk=question.pk).version
        response = client.post(url, payloads.legal_answer(question, shared="on"))
        assert response.status_code == 404
        assert LegalQuestion.objects.get(pk=question.pk).version == before
    # Not offered beside the outsider's barriers either.
    response = client.get(
        reverse("barrier_create", args=[aarhus_project.pk]), {"category": "legal"}
    )
    assert response.context["related_legal_answers"] == []
    # A participating organisation reads the project, so it reads its questions.
    client.force_login(participant_viewer)
    assert library_questions(client) == {kept.question, open_question.question}


def test_a_user_without_membership_reads_only_shared_answers(client, project):
    shared = answered(project, question="Delt afklaring", shared=True)
    answered(project, question="Intern afklaring")
    client.force_login(factories.UserFactory())
    assert library_questions(client) == {shared.question}


def test_the_agency_reads_every_question(client, reviewer, project, aarhus_project):
    answered(project, question="Delt afklaring", shared=True)
    answered(project, question="Intern afklaring")
    factories.LegalQuestionFactory(project=aarhus_project, question="Åbent spørgsmål")
    client.force_login(reviewer)
    assert library_questions(client) == {"Delt afklaring", "Intern afklaring", "Åbent spørgsmål"}


def test_archived_projects_questions_are_left_out_of_the_library(client, reviewer, norddjurs):
    archived = factories.ProjectFactory(lead_organisation=norddjurs, archived=True)
    answered(archived, question="Arkiveret afklaring", shared=True)
    client.force_login(reviewer)
    assert library_questions(client) == set()


# Sharing and answering rules, through the form


def test_sharing_an_unanswered_question_is_refused(client, coordinator, project):
    question = factories.LegalQuestionFactory(project=project)
    client.force_login(coordinator)
    url = reverse("legal_question_edit", args=[project.pk, question.pk])
    for status in ("open", "withdrawn"):
        response = client.post(
            url,
            payloads.legal_answer(question, status=status, answer="", answered_on="", shared="on"),
        )
        assert response.status_code == 200
        assert "shared" in response.context["form"].errors
        assert "Kun et besvaret spørgsmål kan deles." in response.content.decode()
    question.refresh_from_db()
    assert (question.status, question.shared, question.version) == ("open", False, 1)


def test_an_answer_needs_its_text_and_date(client, coordinator, project):
    question = factories.LegalQuestionFactory(project=project)
    client.force_login(coordinator)
    url = reverse("legal_question_edit", args=[project.pk, question.pk])
    response = client.post(url, payloads.legal_answer(question, answer=" ", answered_on=""))
    assert response.status_code == 200
    assert {"answer", "answered_on"} <= set(response.context["form"].errors)
    earlier = (question.asked_on - timedelta(days=1)).isoformat()
    response = client.post(url, payloads.legal_answer(question, answered_on=earlier))
    assert "answered_on" in response.context["form"].errors
    question.refresh_from_db()
    assert question.status == LegalQuestionStatus.OPEN


def test_a_question_is_marked_as_no_longer_relevant(client, coordinator, project):
    question = factories.LegalQuestionFactory(project=project)
    client.force_login(coordinator)
    url = reverse("legal_question_edit", args=[project.pk, question.pk])
    response = client.post(
        url, payloads.legal_answer(question, status="withdrawn", answer="", answered_on="")
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == LegalQuestionStatus.WITHDRAWN
    page = client.get(reverse("project_rules", args=[project.pk])).content.decode()
    assert "Ikke længere relevant" in page


def test_an_edit_over_someone_elses_newer_change_is_refused(client, coordinator, project):
    question = factories.LegalQuestionFactory(project=project)
    opened = payloads.legal_answer(question, answer="Vores svar.")
    question.answer_source = "Ændret af en anden"
    question.save()
    client.force_login(coordinator)
    url = reverse("legal_question_edit", args=[project.pk, question.pk])
    response = client.post(url, opened)
    assert response.status_code == 200
    assert response.context["conflict"]
    question.refresh_from_db()
    assert (question.status, question.answer_source) == ("open", "Ændret af en anden")
    # Saving again, knowing about the other change, keeps the user's version.
    again = {**opened, "version": response.context["form"].data["version"]}
    assert client.post(url, again).status_code == 302
    question.refresh_from_db()
    assert question.answer == "Vores svar."


def test_the_same_new_question_sent_twice_is_saved_once(client, coordinator, project):
    client.force_login(coordinator)
    url = reverse("legal_question_create", args=[project.pk])
    data = payloads.legal_question()
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200
    assert LegalQuestion.objects.count() == 1


def test_the_barrier_is_one_of_the_projects_own(client, coordinator, project, aarhus_project):
    foreign = factories.BarrierFactory(project=aarhus_project)
    own = factories.BarrierFactory(project=project, category="regulation")
    client.force_login(coordinator)
    url = reverse("legal_question_create", args=[project.pk])
    # A barrier of another project in the link is ignored; the choices are the project's own.
    form = client.get(url, {"barrier": foreign.pk}).context["form"]
    assert form["barrier"].value() is None
    assert list(form.fields["barrier"].queryset) == [own]
    # The AI Act for a barrier of other regulation.
    assert client.get(url, {"barrier": own.pk}).context["form"]["legal_area"].value() == "ai_act"
    response = client.post(url, payloads.legal_question(barrier=foreign.pk))
    assert response.status_code == 200
    assert "barrier" in response.context["form"].errors
    assert not LegalQuestion.objects.exists()


def test_the_project_page_lists_the_questions_with_links_for_who_may_change(
    client, coordinator, viewer, project
):
    barrier = factories.BarrierFactory(project=project, title="Usikker hjemmel")
    open_question = factories.LegalQuestionFactory(
        project=project, question="Skal borgerne informeres?", barrier=barrier
    )
    kept = answered(project, question="Må vi profilere?", shared=False)
    client.force_login(coordinator)
    html = unescape(client.get(reverse("project_rules", args=[project.pk])).content.decode())
    assert "Juridiske spørgsmål" in html
    assert "Skal borgerne informeres?" in html and "Fra barrieren: Usikker hjemmel" in html
    assert "Ikke delt: projektets organisationer og styrelsen" in html
    edit_open = reverse("legal_question_edit", args=[project.pk, open_question.pk])
    assert edit_open in html
    assert reverse("legal_question_edit", args=[project.pk, kept.pk]) in html
    assert reverse("legal_question_create", args=[project.pk]) in html
    client.force_login(viewer)
    html = client.get(reverse("project_rules", args=[project.pk])).content.decode()
    assert "Skal borgerne informeres?" in html and ANSWER in html
    assert edit_open not in html
    assert reverse("legal_question_create", args=[project.pk]) not in html


# The related answers beside the barrier form


def test_only_shared_answers_of_the_barriers_areas_are_offered_newest_first(
    client, outsider, project, aarhus_project
):
    older = answered(project, question="Ældre GDPR-svar", shared=True, answered_on=date(2023, 1, 5))
    newer = answered(
        project,
        question="Nyere forvaltningsretligt svar",
        legal_area="public_administration",
        shared=True,
        answered_on=date(2023, 6, 1),
    )
    answered(project, question="Udbudssvar", legal_area="procurement", shared=True)
    answered(aarhus_project, question="Eget svar", shared=True)  # the project's own
    client.force_login(outsider)
    url = reverse("barrier_create", args=[aarhus_project.pk])
    assert client.get(url, {"category": "legal"}).context["related_legal_answers"] == [newer, older]
    assert [
        q.question
        for q in client.get(url, {"category": "suppliers"}).context["related_legal_answers"]
    ] == ["Udbudssvar"]
    # A category without legal areas offers none; before a category is chosen, the newest
    # answers of every area are offered (the form's own input is never thrown away to ask).
    assert client.get(url, {"category": "technology"}).context["related_legal_answers"] == []
    offered = client.get(url).context["related_legal_answers"]
    assert [q.question for q in offered][0] in {"Udbudssvar", "Nyere forvaltningsretligt svar"}
    assert {q.question for q in offered} == {
        "Ældre GDPR-svar",
        "Nyere forvaltningsretligt svar",
        "Udbudssvar",
    }


def test_the_library_link_filters_by_the_barriers_areas(client, outsider, project):
    answered(project, question="GDPR-svar", shared=True)
    answered(project, question="Forvaltningsret", legal_area="public_administration", shared=True)
    answered(project, question="AI-forordningen", legal_area="ai_act", shared=True)
    client.force_login(outsider)
    assert library_questions(client, legal_area=["gdpr", "public_administration"]) == {
        "GDPR-svar",
        "Forvaltningsret",
    }


def test_library_filters(client, reviewer, project, aarhus_project):
    answered(project, question="Datatilsynet om GDPR", shared=True)
    answered(
        project, question="KL om forvaltningsret", asked_to="kl", legal_area="public_administration"
    )
    factories.LegalQuestionFactory(
        project=aarhus_project, question="Åbent AI-spørgsmål", legal_area="ai_act"
    )
    client.force_login(reviewer)
    assert library_questions(client, asked_to="kl") == {"KL om forvaltningsret"}
    assert library_questions(client, status="open") == {"Åbent AI-spørgsmål"}
    assert library_questions(client, legal_area="ai_act") == {"Åbent AI-spørgsmål"}
    assert library_questions(client, status="answered", q="Datatilsynet") == {
        "Datatilsynet om GDPR"
    }


# The agency's open questions


def test_the_agency_sees_open_questions_oldest_first(client, reviewer, project, aarhus_project):
    today = timezone.localdate()
    newest = factories.LegalQuestionFactory(
        project=project, question="Nyt spørgsmål", asked_on=today - timedelta(days=3)
    )
    oldest = factories.LegalQuestionFactory(
        project=aarhus_project,
        question="Gammelt spørgsmål",
        asked_on=today - timedelta(days=400),
        asked_to="kl",
    )
    answered(project, question="Besvaret spørgsmål", asked_on=date(2020, 1, 1))
    factories.LegalQuestionFactory(
        project=project, question="Opgivet spørgsmål", status="withdrawn", asked_on=date(2020, 1, 1)
    )
    client.force_login(reviewer)
    response = client.get(reverse("open_legal_question_list"))
    assert response.status_code == 200
    assert [(question, age) for question, age in response.context["rows"]] == [
        (oldest, 400),
        (newest, 3),
    ]
    html = response.content.decode()
    assert "Besvaret spørgsmål" not in html and "Opgivet spørgsmål" not in html
    assert reverse("project_rules", args=[aarhus_project.pk]) in html
    assert "Aarhus Kommune" in html and "KL (Kommunernes Landsforening)" in unescape(html)


def test_the_menu_links_to_the_library_and_for_the_agency_the_open_questions(
    client, coordinator, reviewer
):
    client.force_login(coordinator)
    html = client.get(reverse("lesson_list")).content.decode()
    assert reverse("legal_question_list") in html
    assert reverse("open_legal_question_list") not in html
    client.force_login(reviewer)
    assert (
        reverse("open_legal_question_list") in client.get(reverse("lesson_list")).content.decode()
    )


# A fixed number of queries whatever the number of questions


def _more_questions(projects, count: int) -> None:
    for number in range(count):
        project = projects[number % len(projects)]
        barrier = factories.BarrierFactory(project=project)
        answered(project, question=f"Delt svar {number}", shared=True, barrier=barrier)
        factories.LegalQuestionFactory(
            project=project, question=f"Åbent spørgsmål {number}", barrier=barrier
        )


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "reviewer"])
def test_the_library_runs_the_same_queries_with_more_questions(
    client, request, persona, project, aarhus_project, norddjurs
):
    client.force_login(request.getfixturevalue(persona))
    projects = [project, aarhus_project, factories.ProjectFactory(lead_organisation=norddjurs)]
    _more_questions(projects, 2)
    url = reverse("legal_question_list")
    few = count_queries(client, url)
    few_search = count_queries(client, f"{url}?q=svar&legal_area=gdpr")
    _more_questions(projects, 12)
    assert count_queries(client, url) == few
    assert count_queries(client, f"{url}?q=svar&legal_area=gdpr") == few_search


def test_the_project_page_and_barrier_form_run_the_same_queries_with_more_questions(
    client, coordinator, project, aarhus_project
):
    client.force_login(coordinator)
    _more_questions([project, aarhus_project], 1)
    page = reverse("project_rules", args=[project.pk])
    barrier_form = reverse("barrier_create", args=[project.pk]) + "?category=legal"
    few, few_form = count_queries(client, page), count_queries(client, barrier_form)
    _more_questions([project, aarhus_project], 10)
    assert count_queries(client, page) == few
    assert count_queries(client, barrier_form) == few_form


def test_the_open_questions_run_the_same_queries_with_more_questions(
    client, reviewer, project, aarhus_project
):
    client.force_login(reviewer)
    _more_questions([project, aarhus_project], 2)
    url = reverse("open_legal_question_list")
    few = count_queries(client, url)
    _more_questions([project, aarhus_project, factories.ProjectFactory()], 12)
    assert count_queries(client, url) == few


# Hostile input


def _hostile_fields(barrier, foreign_barrier):
    return {
        "question": HOSTILE_TEXT,
        "legal_area": choice("gdpr", "ai_act", "procurement"),
        "asked_to": choice("datatilsynet", "kl"),
        "asked_on": HOSTILE_DATE,
        "barrier": st.sampled_from(
            [str(barrier.pk), str(foreign_barrier.pk), "0", "-1", "abc", "", "99999999999"]
        ),
        "status": choice("open", "answered", "withdrawn"),
        "answer": HOSTILE_TEXT,
        "answered_on": HOSTILE_DATE,
        "answer_source": HOSTILE_TEXT,
        "shared": st.sampled_from(["on", "", "0", "\x00"]),
        "version": st.one_of(st.just("1"), HOSTILE_NUMBER),
    }


@pytest.mark.parametrize("name", ["legal_question_create", "legal_question_edit"])
def test_hostile_posts_never_break_the_legal_forms(
    client, coordinator, project, aarhus_project, name
):
    barrier = factories.BarrierFactory(project=project)
    fields = _hostile_fields(barrier, factories.BarrierFactory(project=aarhus_project))
    question = factories.LegalQuestionFactory(project=project)
    client.force_login(coordinator)
    if name == "legal_question_create":
        url = reverse(name, args=[project.pk])
        fields.pop("version")
    else:
        url = reverse(name, args=[project.pk, question.pk])

    def valid():
        if name == "legal_question_create":
            return payloads.legal_question()
        return payloads.legal_answer(LegalQuestion.objects.get(pk=question.pk))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(hostile=st.fixed_dictionaries({}, optional=fields), keep=st.booleans())
    def post(hostile, keep):
        data = {**valid(), **hostile} if keep else hostile
        before = database_snapshot()
        response = client.post(url, data)  # a server error raises here
        assert response.status_code in {200, 302}, response.status_code
        if response.status_code == 200:
            assert database_snapshot() == before, "a refused form stored something"
        for stored in LegalQuestion.objects.all():
            assert stored.shared is False or stored.status == LegalQuestionStatus.ANSWERED
            assert stored.barrier_id in {None, barrier.pk}
            assert "\x00" not in stored.question + stored.answer + stored.answer_source

    post()


def test_hostile_filters_never_break_the_library(client, outsider):
    client.force_login(outsider)
    for params in (
        {"legal_area": ["<b>", "gdpr"], "status": "\x00", "asked_to": "999"},
        {"q": "'; DROP TABLE projects_legalquestion; --", "page": "-1"},
        {"q": "& | ! :* ( \\ ''", "page": "abc"},
        {"q": "x" * 5000},
    ):
        assert client.get(reverse("legal_question_list"), params).status_code == 200
    client.force_login(factories.UserFactory())
    assert client.get(reverse("open_legal_question_list"), {"page": "-1"}).status_code == 403
