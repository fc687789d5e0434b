"""Forms on where a project ends up: each organisation's operation decision, the benefit
indicators and their measurements, the spending per year and the suppliers.

An organisation's decision, indicators and measurements are recorded by the project's lead
coordinators and the agency's administrators, and by each participating organisation's
coordinators for that organisation alone (`ProjectAccess.may_record_for`). Spending and
suppliers are the lead's. Nothing here is deleted from the ordinary interface."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import forms as project_forms
from projects import services
from projects.access import ProjectAccess, project_permission
from projects.models import (
    BenefitIndicator,
    BenefitMeasurement,
    OperationDecision,
    Organisation,
    ProjectSupplier,
    Spending,
)
from projects.views.common import render_form, submit


def section_url(project_pk: int, anchor: str, *, page: str = "project_operation") -> str:
    """A place on one of the project's pages (its operation and benefits unless told): a
    section or one row in it."""
    return f"{reverse(page, args=[project_pk])}#{anchor}"


def _saved(request, message: str, project_pk: int, anchor: str):
    messages.success(request, message)
    return redirect(section_url(project_pk, anchor))


def _may_record_for(access: ProjectAccess, organisation_id: int) -> None:
    if not access.may_record_for(organisation_id):
        raise PermissionDenied


def _organisation_on(access: ProjectAccess, organisation_pk: int) -> Organisation:
    """The lead or a participating organisation of the project (both loaded already)."""
    project = access.project
    for organisation in (project.lead_organisation, *project.participants.all()):
        if organisation.pk == organisation_pk:
            return organisation
    raise Http404


# Operation decisions


@project_permission("record_destination")
def operation_decision(request, access, organisation_pk: int):
    """Record an organisation's decision on running the solution, or change it."""
    project = access.project
    organisation = _organisation_on(access, organisation_pk)
    _may_record_for(access, organisation.pk)
    decision = OperationDecision.objects.filter(project=project, organisation=organisation).first()
    initial = {}
    if decision is None:
        decision = OperationDecision(project=project, organisation=organisation)
        initial = {"decided_on": timezone.localdate()}
    decision.project, decision.organisation = project, organisation
    form = project_forms.OperationDecisionForm(
        request.POST or None, instance=decision, initial=initial
    )
    outcome = submit(
        request,
        form,
        lambda: services.record_operation_decision(
            decision=form.save(commit=False),
            author=request.user,
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
        saved_url=lambda saved: section_url(project.pk, f"operation-{organisation.pk}"),
    )
    if outcome.saved:
        return _saved(
            request,
            _("The operation decision of %(organisation)s was saved.")
            % {"organisation": organisation.name},
            project.pk,
            f"operation-{organisation.pk}",
        )
    return render_form(
        request,
        form,
        title=_("Operation decision: %(organisation)s") % {"organisation": organisation.name},
        access=access,
        submit=_("Save decision"),
        **outcome.extra,
    )


# Benefit indicators and measurements


def _indicator_url(indicator: BenefitIndicator) -> str:
    return section_url(indicator.project_id, f"indicator-{indicator.pk}")


def _chosen_organisation(request, access: ProjectAccess) -> int | None:
    """The organisation named in the query string (the link from its row), if the user
    records for it."""
    try:
        organisation_id = int(request.GET.get("organisation", ""))
    except ValueError:
        return None
    return organisation_id if access.may_record_for(organisation_id) else None


@project_permission("record_destination")
def indicator_create(request, access):
    initial = {}
    chosen = _chosen_organisation(request, access)
    if chosen is not None:
        initial["organisation"] = chosen
    form = project_forms.BenefitIndicatorForm(
        request.POST or None,
        instance=BenefitIndicator(project=access.project),
        organisation_ids=access.destination_organisation_ids,
        initial=initial,
    )
    return _save_indicator(request, access, form, _("New benefit indicator"))


@project_permission("record_destination", record=BenefitIndicator)
def indicator_edit(request, access, record):
    _may_record_for(access, record.organisation_id)
    form = project_forms.BenefitIndicatorForm(
        request.POST or None,
        instance=record,
        organisation_ids=access.destination_organisation_ids,
    )
    return _save_indicator(request, access, form, _("Edit benefit indicator"))


def _save_indicator(request, access, form, title):
    outcome = submit(
        request,
        form,
        lambda: services.record_indicator(
            indicator=form.save(commit=False),
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
        saved_url=_indicator_url,
    )
    if outcome.saved:
        return _saved(
            request,
            _("The benefit indicator was saved."),
            access.project.pk,
            f"indicator-{outcome.result.pk}",
        )
    return render_form(
        request, form, title=title, access=access, submit=_("Save indicator"), **outcome.extra
    )


@project_permission("record_destination", record=BenefitIndicator)
def measurement_create(request, access, record):
    """Add a measurement of an indicator: also after the project has closed, since benefits
    are realised in operation."""
    _may_record_for(access, record.organisation_id)
    form = project_forms.BenefitMeasurementForm(
        request.POST or None,
        instance=BenefitMeasurement(indicator=record, project=access.project),
        indicator=record,
        initial={"measured_on": timezone.localdate()},
    )
    return _save_measurement(
        request,
        access,
        form,
        _("New measurement: %(indicator)s") % {"indicator": record.title},
    )


@project_permission("record_destination", record=BenefitMeasurement)
def measurement_edit(request, access, record):
    indicator = record.indicator
    indicator.project = access.project
    _may_record_for(access, indicator.organisation_id)
    form = project_forms.BenefitMeasurementForm(
        request.POST or None, instance=record, indicator=indicator
    )
    return _save_measurement(
        request,
        access,
        form,
        _("Edit measurement: %(indicator)s") % {"indicator": indicator.title},
    )


def _save_measurement(request, access, form, title):
    outcome = submit(
        request,
        form,
        lambda: services.record_measurement(
            measurement=form.save(commit=False),
            entered_by=request.user,
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
        saved_url=lambda measurement: section_url(
            measurement.project_id, f"measurement-{measurement.pk}"
        ),
    )
    if outcome.saved:
        return _saved(
            request,
            _("The measurement was saved."),
            access.project.pk,
            f"indicator-{outcome.result.indicator_id}",
        )
    return render_form(
        request, form, title=title, access=access, submit=_("Save measurement"), **outcome.extra
    )


# Spending and suppliers: the lead's


@project_permission("change")
def spending_create(request, access):
    form = project_forms.SpendingForm(
        request.POST or None,
        instance=Spending(project=access.project),
        initial={"year": timezone.localdate().year},
    )
    return _save_spending(request, access, form, _("Record a year's spending"))


@project_permission("change", record=Spending)
def spending_edit(request, access, record):
    form = project_forms.SpendingForm(request.POST or None, instance=record)
    return _save_spending(request, access, form, _("Spending in %(year)s") % {"year": record.year})


def _save_spending(request, access, form, title):
    outcome = submit(
        request,
        form,
        lambda: services.record_spending(
            spending=form.save(commit=False),
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
        saved_url=lambda spending: section_url(spending.project_id, f"spending-{spending.year}"),
    )
    if outcome.saved:
        return _saved(
            request,
            _("The spending was saved."),
            access.project.pk,
            f"spending-{outcome.result.year}",
        )
    return render_form(
        request, form, title=title, access=access, submit=_("Save spending"), **outcome.extra
    )


@project_permission("change")
def supplier_create(request, access):
    form = project_forms.ProjectSupplierForm(
        request.POST or None, instance=ProjectSupplier(project=access.project)
    )
    return _save_supplier(request, access, form, _("Add a supplier"))


@project_permission("change", record=ProjectSupplier)
def supplier_edit(request, access, record):
    form = project_forms.ProjectSupplierForm(request.POST or None, instance=record)
    return _save_supplier(request, access, form, _("Edit supplier"))


def _save_supplier(request, access, form, title):
    outcome = submit(
        request,
        form,
        lambda: services.link_supplier(
            link=form.save(commit=False),
            supplier_name=form.cleaned_data["name"],
            cvr=form.cleaned_data["cvr"],
            expected_version=form.expected_version if form.instance.pk else None,
        ),
        saved_url=lambda link: section_url(link.project_id, f"supplier-{link.pk}"),
    )
    if outcome.saved:
        return _saved(
            request,
            _("The supplier was saved."),
            access.project.pk,
            f"supplier-{outcome.result.pk}",
        )
    return render_form(
        request, form, title=title, access=access, submit=_("Save supplier"), **outcome.extra
    )
