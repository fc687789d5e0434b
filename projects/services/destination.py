"""Writes on where a project ends up: each organisation's operation decision, the benefit
indicators and their measurements, the spending per year and the suppliers.

Measurements are recorded after a project has closed as well: benefits are realised in
operation, long after the pilot."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from projects.models import (
    BenefitIndicator,
    BenefitMeasurement,
    OperationDecision,
    ProjectSupplier,
    Spending,
    Supplier,
)
from projects.services.base import (
    ConcurrentEditError,
    check_version,
    lock_project,
    lock_record,
    save,
)


@transaction.atomic
def record_operation_decision(
    *, decision: OperationDecision, author, expected_version: int, fields: list[str]
) -> OperationDecision:
    """Record an organisation's decision on running the solution, or change the one it has:
    there is one per organisation and project. `expected_version` is the version of the
    decision when the form was opened, 0 when there was none; a decision saved by someone
    else since then is not overwritten."""
    project = lock_project(decision.project_id)
    current = (
        OperationDecision.objects.select_for_update(no_key=True)
        .filter(project=project, organisation_id=decision.organisation_id)
        .first()
    )
    if current is None:
        if expected_version:
            # The form showed a decision that is gone (removed in the admin): start anew.
            decision.pk = None
            decision._state.adding = True
            decision.version = 1
        decision.project = project
        decision.author = author
        return save(decision)
    if current.version != expected_version:
        raise ConcurrentEditError(current)
    for name in fields:
        setattr(current, name, getattr(decision, name))
    current.author = author
    return save(current, update_fields=[*fields, "author", "updated_at"])


@transaction.atomic
def record_indicator(
    *,
    indicator: BenefitIndicator,
    expected_version: int | None = None,
    fields: list[str] | None = None,
) -> BenefitIndicator:
    """Create a benefit indicator, or save the `fields` a form edited if nobody saved the
    indicator since the form was opened."""
    if indicator.pk is None:
        lock_project(indicator.project_id)
        return save(indicator)
    current = lock_record(BenefitIndicator, indicator.pk, project_id=indicator.project_id)
    check_version(current, expected_version)
    for name in fields:
        setattr(current, name, getattr(indicator, name))
    return save(current, update_fields=[*fields, "unit", "updated_at"])


@transaction.atomic
def record_measurement(
    *,
    measurement: BenefitMeasurement,
    entered_by=None,
    expected_version: int | None = None,
    fields: list[str] | None = None,
) -> BenefitMeasurement:
    """Add a measurement of an indicator (also after the project has closed), or save the
    `fields` a form edited if nobody saved the measurement since the form was opened."""
    if measurement.pk is None:
        lock_project(measurement.indicator.project_id)
        measurement.project_id = measurement.indicator.project_id
        measurement.entered_by = entered_by
        return save(measurement)
    current = lock_record(BenefitMeasurement, measurement.pk, project_id=measurement.project_id)
    check_version(current, expected_version)
    for name in fields:
        setattr(current, name, getattr(measurement, name))
    return save(current, update_fields=[*fields, "updated_at"])


@transaction.atomic
def record_spending(
    *, spending: Spending, expected_version: int | None = None, fields: list[str] | None = None
) -> Spending:
    """Create a year's spending, or save the `fields` a form edited if nobody saved it since
    the form was opened. A project has one row per year."""
    if spending.pk is None:
        lock_project(spending.project_id)
        _one_row_per_year(spending)
        return save(spending)
    current = lock_record(Spending, spending.pk, project_id=spending.project_id)
    check_version(current, expected_version)
    for name in fields:
        setattr(current, name, getattr(spending, name))
    _one_row_per_year(current)
    return save(current, update_fields=[*fields, "updated_at"])


def _one_row_per_year(spending: Spending) -> None:
    taken = Spending.objects.filter(project_id=spending.project_id, year=spending.year)
    if spending.pk:
        taken = taken.exclude(pk=spending.pk)
    if taken.exists():
        raise ValidationError(
            {
                "year": _(
                    "The project's spending in %(year)s is recorded already: change that "
                    "year instead."
                )
                % {"year": spending.year}
            }
        )


def find_or_create_supplier(*, name: str, cvr: str = "") -> Supplier:
    """The supplier with this CVR number or (ignoring case) this name, created if there is
    none. A known supplier without a CVR number gets the one given."""
    name, cvr = " ".join(name.split()), cvr.strip()
    if not name:
        raise ValidationError({"name": _("Give the supplier's name.")})
    supplier = None
    if cvr:
        supplier = Supplier.objects.filter(cvr=cvr).first()
    if supplier is None:
        supplier = (
            Supplier.objects.annotate(lower_name=Lower("name")).filter(lower_name=name.lower())
        ).first()
        if supplier is not None and cvr:
            if supplier.cvr:
                raise ValidationError(
                    {
                        "cvr": _("%(name)s is registered with CVR number %(cvr)s.")
                        % {"name": supplier.name, "cvr": supplier.cvr}
                    }
                )
            supplier.cvr = cvr
            save(supplier, update_fields=["cvr", "updated_at"])
    if supplier is not None:
        return supplier
    try:
        with transaction.atomic():
            return save(Supplier(name=name, cvr=cvr))
    except IntegrityError:
        # Created by someone else at this moment: use theirs.
        found = (
            Supplier.objects.annotate(lower_name=Lower("name"))
            .filter(lower_name=name.lower())
            .first()
        )
        if found is None:
            raise
        return found


@transaction.atomic
def link_supplier(
    *,
    link: ProjectSupplier,
    supplier_name: str,
    cvr: str = "",
    expected_version: int | None = None,
) -> ProjectSupplier:
    """Record that a supplier (found by name or CVR number, or created) worked on the
    project in a role, or change an existing link's supplier, role or note if nobody saved
    it since the form was opened."""
    lock_project(link.project_id)
    if link.pk is not None:
        current = ProjectSupplier.objects.select_for_update(no_key=True).get(
            pk=link.pk, project_id=link.project_id
        )
        check_version(current, expected_version)
    supplier = find_or_create_supplier(name=supplier_name, cvr=cvr)
    if link.pk is not None:
        current.role, current.note = link.role, link.note
        link = current
    link.supplier = supplier
    duplicate = ProjectSupplier.objects.filter(
        project_id=link.project_id, supplier=supplier, role=link.role
    )
    if link.pk is not None:
        duplicate = duplicate.exclude(pk=link.pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "role": _("%(name)s is recorded in this role on the project already.")
                % {"name": supplier.name}
            }
        )
    if link.pk is None:
        return save(link)
    return save(link, update_fields=["supplier", "role", "note", "updated_at"])
