"""The public algorithm register: the project's own record and its workflow (behind the
login), the agency's review queue, and the public pages (no login), which show published
snapshots only."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.access import project_permission, user_permission
from projects.models import (
    PublicationCategory,
    RegisterRecord,
    RegisterState,
    RegisterStatus,
    RegisterTheme,
)
from projects.register_forms import RegisterRecordForm, ReturnRecordForm
from projects.selectors.register import (
    LINK_FIELDS,
    LINK_LIST_FIELDS,
    REGISTER_FIELDS,
    public_organisations,
    public_snapshot,
    public_snapshots,
    review_queue,
)
from projects.services import register as register_services
from projects.views.common import render_form, submit

READ_ONLY = ("GET", "HEAD")


def _record_of(project) -> RegisterRecord | None:
    return (
        RegisterRecord.objects.filter(project=project)
        .select_related(
            "public_snapshot",
            "submitted_by",
            "approved_by",
            "returned_by",
            "published_by",
            "withdrawn_by",
        )
        .first()
    )


def _record_or_404(project) -> RegisterRecord:
    record = RegisterRecord.objects.filter(project=project).first()
    if record is None:
        raise Http404
    return record


# Fields the public pages show elsewhere (the name as the heading) or not at all (the
# standard's bookkeeping and the search terms, which only help finding a record).
_NOT_LISTED = {
    "name",
    "lang",
    "standard_version",
    "source_id",
    "tags",
    "external_supplier_involvement",
}


def _localise(key: str, value):
    """A coded value with its label in the interface language."""
    if key == "category":
        return [RegisterTheme(v).label for v in value or [] if v in RegisterTheme.values]
    if key == "status" and value in RegisterStatus.values:
        return RegisterStatus(value).label
    if key == "publication_category" and value in PublicationCategory.values:
        return PublicationCategory(value).label
    return value


def field_rows(data: dict) -> list[tuple[str, object, object]]:
    """Published content in the standard's order with labels: (key, label, value), coded
    values in the interface language, empty fields left out."""
    rows = []
    for key, label in REGISTER_FIELDS:
        if key in _NOT_LISTED:
            continue
        value = _localise(key, data.get(key))
        if key == "provider" and not value and data.get("external_supplier_involvement") is False:
            value = _("Developed in-house")
        if value in ("", None, []):
            continue
        rows.append((key, label, value))
    return rows


@project_permission("read", methods=READ_ONLY)
def register_record(request, access):
    """The project's register record: its state in the workflow, its content, and the
    actions the user may take."""
    record = _record_of(access.project)
    return render(
        request,
        "projects/register_record.html",
        {
            "access": access,
            "project": access.project,
            "record": record,
            "rows": field_rows(record.snapshot_data(access.project.lead_organisation.name))
            if record
            else [],
            "can_withdraw": access.allows("withdraw_register"),
            "states": RegisterState,
        },
    )


@project_permission("change")
def register_record_edit(request, access):
    """Create (prefilled from the project) or edit the project's register record."""
    record = RegisterRecord.objects.filter(project=access.project).first()
    if record is None:
        record = register_services.prefilled_record(access.project)
    if not record._state.adding and not record.is_editable:
        messages.error(
            request, _("The record is being reviewed by the agency and cannot be edited meanwhile.")
        )
        return redirect("register_record", pk=access.project.pk)
    form = RegisterRecordForm(request.POST or None, instance=record)
    outcome = submit(
        request,
        form,
        lambda: register_services.save_register_record(
            record=form.save(commit=False),
            expected_version=form.expected_version if not record._state.adding else None,
            fields=form.edited_fields,
        ),
        saved_url=lambda saved: reverse("register_record", args=[saved.project_id]),
    )
    if outcome.saved:
        messages.success(request, _("The register record was saved."))
        return redirect("register_record", pk=access.project.pk)
    if form.is_bound and form.errors:
        messages.error(request, _("Nothing was saved. Please correct the fields marked below."))
    return render(
        request,
        "projects/register_form.html",
        {
            "access": access,
            "project": access.project,
            "form": form,
            "record": None if record._state.adding else record,
            **outcome.extra,
        },
    )


def _act(request, project, action, success: str):
    """Run a workflow step on the project's record and go back to it, saying what happened."""
    record = _record_or_404(project)
    try:
        action(record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("register_record", pk=project.pk)


@project_permission("change", methods=("POST",))
def register_record_submit(request, access):
    return _act(
        request,
        access.project,
        lambda record: register_services.submit_register_record(record=record, user=request.user),
        _("The record was sent to the agency for review."),
    )


@project_permission("review", methods=("POST",))
def register_record_approve(request, access):
    return _act(
        request,
        access.project,
        lambda record: register_services.approve_register_record(record=record, user=request.user),
        _("The record was approved. The project can now publish it."),
    )


@project_permission("review")
def register_record_return(request, access):
    """The agency returns a submitted record to the project with a note."""
    record = _record_or_404(access.project)
    if record.state != RegisterState.SUBMITTED:
        messages.error(request, _("Only a record submitted for review can be returned."))
        return redirect("register_record", pk=access.project.pk)
    form = ReturnRecordForm(request.POST or None, initial={"version": record.version})
    outcome = submit(
        request,
        form,
        lambda: register_services.return_register_record(
            record=record, user=request.user, note=form.cleaned_data["return_note"]
        ),
    )
    if outcome.saved:
        messages.success(request, _("The record was returned to the project with your note."))
        return redirect("register_review")
    return render_form(
        request,
        form,
        title=_("Return the register record"),
        access=access,
        submit=_("Return with note"),
    )


@project_permission("change", methods=("POST",))
def register_record_publish(request, access):
    return _act(
        request,
        access.project,
        lambda record: register_services.publish_register_record(record=record, user=request.user),
        _("The record is published in the public algorithm register."),
    )


@project_permission("withdraw_register", methods=("POST",))
def register_record_withdraw(request, access):
    return _act(
        request,
        access.project,
        lambda record: register_services.withdraw_register_record(record=record, user=request.user),
        _("The record was withdrawn from the public algorithm register."),
    )


@user_permission("is_agency", methods=READ_ONLY)
def register_review(request):
    """The agency's queue: register records submitted for review, oldest first."""
    page = Paginator(review_queue(), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/register_review.html", {"page": page, "query": ""})


# The public pages.


class PublicRegisterFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    organisation = forms.TypedChoiceField(
        label=gettext_lazy("Organisation"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *RegisterStatus.choices],
    )
    publication_category = forms.ChoiceField(
        label=gettext_lazy("Publication category"),
        required=False,
        choices=[("", gettext_lazy("All")), *PublicationCategory.choices],
    )
    theme = forms.ChoiceField(
        label=gettext_lazy("Theme"),
        required=False,
        choices=[("", gettext_lazy("All")), *RegisterTheme.choices],
    )
    updated_since = forms.DateField(
        label=gettext_lazy("Published since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", _("All")),
            *public_organisations().values_list("pk", "name"),
        ]


@login_not_required
def public_register(request):
    """The public algorithm register: every published record, filterable and searchable."""
    if request.method not in READ_ONLY:
        return HttpResponseNotAllowed(READ_ONLY)
    form = PublicRegisterFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    snapshots = public_snapshots(
        organisation=filters.get("organisation"),
        status=filters.get("status", ""),
        publication_category=filters.get("publication_category", ""),
        theme=filters.get("theme", ""),
        updated_since=filters.get("updated_since"),
        search=filters.get("q", ""),
    )
    page = Paginator(snapshots, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    active = any(filters.get(name) for name in form.fields)
    return render(
        request,
        "register/public_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": active},
    )


@login_not_required
def public_register_detail(request, record_pk: int):
    """One published record: exactly its current snapshot."""
    if request.method not in READ_ONLY:
        return HttpResponseNotAllowed(READ_ONLY)
    snapshot = public_snapshot(record_pk)
    if snapshot is None:
        raise Http404
    return render(
        request,
        "register/public_detail.html",
        {
            "snapshot": snapshot,
            "rows": field_rows(snapshot.data),
            "link_fields": LINK_FIELDS,
            "link_list_fields": LINK_LIST_FIELDS,
        },
    )
