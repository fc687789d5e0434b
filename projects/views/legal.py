"""Legal questions: a project raises them (from a barrier or on its own) and records the
answers it gets; shared answers form a library every signed-in user searches; the agency
follows the open questions across the portfolio.

Raising and answering are the lead's coordinators' and the agency administrators' (who may
change the project); reading follows `legal_questions_visible_to`."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import forms as project_forms
from projects import services
from projects.access import project_permission, user_permission
from projects.filters import LegalQuestionFilter
from projects.models import LegalQuestion
from projects.selectors.legal import legal_library, open_legal_questions
from projects.views.common import render_form, submit
from projects.views.destination import section_url

READ_ONLY = ("GET", "HEAD")


def _question_url(question: LegalQuestion) -> str:
    return section_url(question.project_id, f"legal-question-{question.pk}", page="project_rules")


@project_permission("change")
def legal_question_create(request, access):
    """Raise a legal question; `?barrier=<id>` raises it from one of the project's barriers."""
    source = project_forms.source_barrier(access.project, request.GET)
    form = project_forms.LegalQuestionForm(
        request.POST or None,
        instance=LegalQuestion(project=access.project),
        project=access.project,
        from_barrier=source,
        initial={"asked_on": timezone.localdate()},
    )
    outcome = submit(
        request,
        form,
        lambda: services.raise_legal_question(
            question=form.save(commit=False), author=request.user
        ),
        saved_url=_question_url,
    )
    if outcome.saved:
        messages.success(request, _("The legal question was saved."))
        return redirect(_question_url(outcome.result))
    return render_form(
        request,
        form,
        title=_("New legal question"),
        access=access,
        submit=_("Save question"),
        barrier=source,
    )


@project_permission("change", record=LegalQuestion)
def legal_question_edit(request, access, record):
    """Record the answer to a question, share it, mark it no longer relevant or correct it."""
    form = project_forms.LegalAnswerForm(
        request.POST or None, instance=record, project=access.project
    )
    outcome = submit(
        request,
        form,
        lambda: services.update_legal_question(
            question=form.save(commit=False),
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
    )
    if outcome.saved:
        messages.success(request, _("The legal question was saved."))
        return redirect(_question_url(outcome.result))
    return render_form(
        request,
        form,
        title=_("Legal question and answer"),
        access=access,
        submit=_("Save"),
        **outcome.extra,
    )


@user_permission("is_authenticated", methods=READ_ONLY)
def legal_question_list(request):
    """The library: every answer shared with the programme, and the user's own projects'
    questions, searchable in Danish."""
    question_filter = LegalQuestionFilter(
        request.GET or None, legal_library(request.user), request=request
    )
    page = Paginator(question_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/legal_question_list.html",
        {"filter": question_filter, "page": page, "query": query.urlencode()},
    )


@user_permission("can_view_dashboard", methods=READ_ONLY)
def open_legal_question_list(request):
    """The open legal questions across the portfolio, those waiting longest first."""
    page = Paginator(open_legal_questions(request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [(question, (today - question.asked_on).days) for question in page.object_list]
    return render(
        request,
        "projects/open_legal_question_list.html",
        {"page": page, "rows": rows, "query": ""},
    )
