"""Reads on legal questions: the library of questions and shared answers, the agency's list
of open questions across the portfolio, a project's own questions, and the shared answers
offered beside a barrier. Scoped by `legal_questions_visible_to`; a fixed number of queries
whatever the number of questions."""

from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value

from projects.access import legal_questions_visible_to, projects_visible_to, roles_of
from projects.models import LegalArea, LegalQuestion, LegalQuestionStatus, Project

RELATED_ANSWERS = 5


def legal_library(user) -> QuerySet[LegalQuestion]:
    """Every legal question the user may read (their projects' questions and every answer
    shared with the programme), newest first, each marked with whether the user may open its
    project (a shared answer of another organisation's project is read here, not there)."""
    if roles_of(user).is_agency:
        readable = Value(True, output_field=BooleanField())
    else:
        readable = Exists(projects_visible_to(user).filter(pk=OuterRef("project_id")))
    return (
        legal_questions_visible_to(user)
        .filter(project__archived=False)
        .select_related("project", "project__lead_organisation", "barrier")
        .annotate(project_readable=readable)
        .order_by("-asked_on", "-pk")
    )


def open_legal_questions(user) -> QuerySet[LegalQuestion]:
    """The open legal questions of the projects in the portfolio the user may read, oldest
    first: those waiting longest for an answer."""
    return (
        LegalQuestion.objects.filter(
            status=LegalQuestionStatus.OPEN,
            project__in=projects_visible_to(user).active().values("pk"),
        )
        .select_related("project", "project__lead_organisation")
        .order_by("asked_on", "pk")
    )


def project_legal_questions(project: Project) -> list[LegalQuestion]:
    """A project's legal questions, open ones first, then the newest."""
    questions = LegalQuestion.objects.filter(project=project).select_related("barrier")
    return sorted(
        questions.order_by("-asked_on", "-pk"),
        key=lambda question: question.status != LegalQuestionStatus.OPEN,
    )


def areas_for_barrier(category: str) -> list[str]:
    """The legal areas whose answers matter beside a barrier of this category."""
    return [area.value for area in LegalArea.for_barrier_category(category)] if category else []


def related_legal_answers(
    user, *, project: Project, category: str, limit: int = RELATED_ANSWERS
) -> list[LegalQuestion]:
    """Answers other projects shared in the legal areas of a barrier category (in every area
    while the barrier has no category yet), most recently answered first, to read before
    asking the same question again."""
    answers = (
        legal_questions_visible_to(user)
        .shared_answers()
        .filter(project__archived=False)
        .exclude(project=project)
    )
    if category:
        areas = areas_for_barrier(category)
        if not areas:
            return []
        answers = answers.filter(legal_area__in=areas)
    return list(
        answers.select_related("project__lead_organisation").order_by("-answered_on", "-pk")[:limit]
    )
