"""Reads on the public algorithm register. The public reads published snapshots only (never a
register record's working copy, nor anything else of a project): the current one of each
record, as long as the record is published and not withdrawn. A fixed number of queries
whatever the number of records."""

from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Organisation,
    RegisterRecord,
    RegisterSnapshot,
    RegisterState,
)
from projects.models.register import themes_column


def _label(name: str):
    return RegisterRecord._meta.get_field(name).verbose_name


# The published fields in the order the public pages and exports show them: (the standard's
# field name, its label).
REGISTER_FIELDS: list[tuple[str, object]] = [
    ("name", _label("name")),
    ("organization", _("organisation")),
    ("description_short", _label("description_short")),
    ("category", _label("category")),
    ("status", _label("status")),
    ("begin_date", _label("begin_date")),
    ("end_date", _label("end_date")),
    ("contact_email", _label("contact_email")),
    ("website", _label("website")),
    ("publication_category", _label("publication_category")),
    ("url", _label("url")),
    ("goal", _label("goal")),
    ("proportionality", _label("proportionality")),
    ("human_intervention", _label("human_intervention")),
    ("risks", _label("risks")),
    ("lawful_basis", _label("lawful_basis")),
    ("lawful_basis_grouping", _label("lawful_basis_grouping")),
    ("process_index_url", _label("process_index_url")),
    ("impacttoetsen_grouping", _label("impacttoetsen_grouping")),
    ("impacttoetsen", _label("impacttoetsen")),
    ("source_data", _label("source_data")),
    ("source_data_grouping", _label("source_data_grouping")),
    ("methods_and_models", _label("methods_and_models")),
    ("provider", _label("provider")),
    ("publiccode", _label("publiccode")),
    ("lang", _("language")),
    ("standard_version", _("version of the publication standard")),
    ("source_id", _("record number")),
    ("tags", _label("tags")),
    ("senior_responsible_owner", _label("senior_responsible_owner")),
    ("external_supplier_involvement", _("external supplier involved")),
    ("procurement_procedure_type", _label("procurement_procedure_type")),
    ("frequency_and_scale_of_usage", _label("frequency_and_scale_of_usage")),
    ("appeals_and_review", _label("appeals_and_review")),
]

# Fields whose value is a list of {"title", "link"}.
LINK_LIST_FIELDS = ("lawful_basis_grouping", "impacttoetsen_grouping", "source_data_grouping")
# Fields whose value is a single web address (or, for the contact, an e-mail address).
LINK_FIELDS = ("website", "url", "process_index_url", "publiccode")


def public_snapshots(
    *,
    organisation: int | None = None,
    status: str = "",
    publication_category: str = "",
    theme: str = "",
    updated_since: date | datetime | None = None,
    search: str = "",
) -> QuerySet[RegisterSnapshot]:
    """The snapshot the public reads of each published register record (one per record),
    by name, narrowed by the given filters. `search` matches every word in the name,
    organisation, short description, purpose, search terms and supplier."""
    snapshots = RegisterSnapshot.objects.filter(
        public_for__isnull=False,
        withdrawn_at__isnull=True,
    ).exclude(public_for__state=RegisterState.WITHDRAWN)
    if organisation:
        snapshots = snapshots.filter(organisation_id=organisation)
    if status:
        snapshots = snapshots.filter(status=status)
    if publication_category:
        snapshots = snapshots.filter(publication_category=publication_category)
    if theme:
        snapshots = snapshots.filter(themes__contains=themes_column([theme]))
    if updated_since:
        snapshots = snapshots.filter(published_at__date__gte=_as_date(updated_since))
    for word in search.lower().split()[:10]:
        snapshots = snapshots.filter(search_text__contains=word)
    return snapshots.defer("search_text").order_by("name", "id")


def public_snapshot(record_pk: int) -> RegisterSnapshot | None:
    """The snapshot the public reads of this record, or None while it is not published."""
    return public_snapshots().filter(record_id=record_pk).first()


def public_organisations() -> QuerySet[Organisation]:
    """The organisations with at least one published record, for the register's filter."""
    return Organisation.objects.filter(
        Q(pk__in=public_snapshots().values("organisation_id"))
    ).order_by("name")


def review_queue() -> QuerySet[RegisterRecord]:
    """The register records waiting for the agency's review, oldest submission first."""
    return (
        RegisterRecord.objects.filter(state=RegisterState.SUBMITTED)
        .select_related("project", "project__lead_organisation", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
