"""The catalogue of reusable solutions and who adopts them.

Every signed-in user reads the catalogue; a solution's projects and lessons are shown only to
those who may read them. The owner organisation's coordinators and agency administrators
change a solution; another organisation's coordinators record that organisation's adoption
(agency administrators any organisation's); the owner never adopts its own solution."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.access import roles_of, solution_permission, user_permission
from projects.models import Adoption, AdoptionStage, Solution
from projects.selectors.solutions import (
    solution_catalogue,
    solution_details,
    solution_owners,
)
from projects.services import solutions as services
from projects.solution_forms import (
    AdoptionForm,
    AdoptionStageForm,
    SolutionFilter,
    SolutionForm,
)
from projects.views.common import submit

READ_ONLY = ("GET", "HEAD")


def _solution_url(solution: Solution, anchor: str = "") -> str:
    url = reverse("solution_detail", args=[solution.pk])
    return f"{url}#{anchor}" if anchor else url


def _render_form(request, form, *, title: str, submit_label: str, solution=None, **extra):
    """The page of every catalogue form, answering 200 with the input and the errors when
    the form is refused."""
    if form.is_bound and form.errors and not getattr(form, "already_saved", False):
        messages.error(request, _("Nothing was saved. Please correct the fields marked below."))
    return render(
        request,
        "projects/solution_form.html",
        {
            "form": form,
            "title": title,
            "submit": submit_label,
            "solution": solution,
            **extra,
        },
    )


@user_permission("is_authenticated", methods=READ_ONLY)
def solution_list(request):
    """The catalogue, filtered by kind, maturity, owner and text."""
    solution_filter = SolutionFilter(
        request.GET or None,
        solution_catalogue().order_by("title", "pk"),
        request=request,
        owners=solution_owners(),
    )
    page = Paginator(solution_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/solution_list.html",
        {
            "filter": solution_filter,
            "page": page,
            "query": query.urlencode(),
            "can_create": roles_of(request.user).can_create_solutions,
        },
    )


@solution_permission("read", methods=READ_ONLY)
def solution_detail(request, access):
    solution = solution_details(request.user, access.solution)
    adoptions = solution.adoption_list
    # The reader's organisations: their open adoption to advance, or an offer to adopt.
    own = [a for a in adoptions if a.is_open and access.may_record_for(a.organisation_id)]
    unseen = [a for a in adoptions if a.owner_seen_at is None] if access.can_acknowledge else []
    return render(
        request,
        "projects/solution_detail.html",
        {
            "solution": solution,
            "access": access,
            "adoptions": adoptions,
            "own_adoptions": own,
            "may_adopt_more": access.can_adopt
            and len({a.organisation_id for a in own}) < len(access.adopting_organisation_ids),
            "unseen": unseen,
        },
    )


@user_permission("can_create_solutions")
def solution_create(request):
    form = SolutionForm(request.POST or None, user=request.user)
    outcome = submit(
        request,
        form,
        lambda: services.create_solution(
            solution=form.save(commit=False),
            editor=request.user,
            projects=form.cleaned_data["projects"],
            lessons=form.cleaned_data["lessons"],
        ),
        saved_url=lambda saved: _solution_url(saved),
    )
    if outcome.saved:
        messages.success(request, _("The solution was added to the catalogue."))
        return redirect(_solution_url(outcome.result))
    return _render_form(
        request, form, title=_("New solution"), submit_label=_("Save solution"), **outcome.extra
    )


@solution_permission("change")
def solution_edit(request, access):
    solution = access.solution
    form = SolutionForm(request.POST or None, instance=solution, user=request.user)
    outcome = submit(
        request,
        form,
        lambda: services.update_solution(
            solution=form.save(commit=False),
            editor=request.user,
            expected_version=form.expected_version,
            fields=form.edited_fields,
            projects=form.cleaned_data["projects"],
            lessons=form.cleaned_data["lessons"],
        ),
    )
    if outcome.saved:
        messages.success(request, _("The solution was saved."))
        return redirect(_solution_url(outcome.result))
    return _render_form(
        request,
        form,
        title=_("Edit solution"),
        submit_label=_("Save solution"),
        solution=solution,
        **outcome.extra,
    )


@solution_permission("adopt")
def solution_adopt(request, access):
    """Record that one of the user's organisations takes up the solution ("we are
    interested"); the owner organisation is told on its pages."""
    solution = access.solution
    user = request.user
    form = AdoptionForm(
        request.POST or None,
        instance=Adoption(solution=solution),
        access=access,
        initial={
            "stage": AdoptionStage.INTERESTED,
            "contact_name": user.get_full_name() or user.get_username(),
            "contact_email": user.email,
        },
    )
    outcome = submit(
        request,
        form,
        lambda: services.record_adoption(adoption=form.save(commit=False), recorded_by=user),
        saved_url=lambda saved: _solution_url(solution, f"adoption-{saved.pk}"),
    )
    if outcome.saved:
        messages.success(
            request,
            _("The interest of %(organisation)s was recorded; %(owner)s can see it.")
            % {"organisation": outcome.result.organisation.name, "owner": solution.owner.name},
        )
        return redirect(_solution_url(solution, f"adoption-{outcome.result.pk}"))
    return _render_form(
        request,
        form,
        title=_("Adopt %(solution)s") % {"solution": solution.title},
        submit_label=_("Record adoption"),
        solution=solution,
    )


@solution_permission("read", adoption=True)
def adoption_stage(request, access, adoption):
    """Record the next stage an organisation's adoption reached, or that it stopped."""
    solution = access.solution
    form = AdoptionStageForm(
        request.POST or None, instance=adoption, initial={"stage_since": timezone.localdate()}
    )
    outcome = submit(
        request,
        form,
        lambda: services.record_adoption_stage(
            adoption=form.save(commit=False),
            recorded_by=request.user,
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
    )
    if outcome.saved:
        messages.success(
            request,
            _("The adoption by %(organisation)s was saved.")
            % {"organisation": adoption.organisation.name},
        )
        return redirect(_solution_url(solution, f"adoption-{adoption.pk}"))
    return _render_form(
        request,
        form,
        title=_("Adoption by %(organisation)s") % {"organisation": adoption.organisation.name},
        submit_label=_("Save stage"),
        solution=solution,
        adoption=adoption,
        **outcome.extra,
    )


@solution_permission("acknowledge", methods=("POST",))
def adoption_seen(request, access):
    """The owner organisation has seen the new interest in its solution."""
    services.acknowledge_adoption_interest(solution=access.solution)
    messages.success(request, _("The new interest is marked as seen."))
    return redirect(_solution_url(access.solution, "adoptions"))
