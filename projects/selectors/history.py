"""The change history of a project and its records, made readable."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from projects.models import Project, ReviewNote
from projects.templatetags.sigprojects import decimal as format_decimal
from projects.templatetags.sigprojects import person

# Fields every save moves on (timestamps, the version counter) say nothing a reader needs.
_BOOKKEEPING = {"created_at", "updated_at", "version"}
# Fields the application keeps from other records (see `refresh_derived`): the change that
# moved them is in the history already, as the status update or measurement that caused it.
_DERIVED: dict[str, set[str]] = {
    "projects.project": {
        "current_phase",
        "current_status",
        "last_status_on",
        "help_requested",
        "realisation_percent",
        "consultant_share",
    },
    "projects.benefitindicator": {"latest_value", "latest_on"},
}


def project_history(project: Project, *, with_review_notes: bool):
    """The audit trail of a project and every record under it, newest first; review notes
    only for those who may read them."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    entries = LogEntry.objects.filter(additional_data__project_id=project.pk)
    if not with_review_notes:
        entries = entries.exclude(content_type=ContentType.objects.get_for_model(ReviewNote))
    return entries.select_related("actor", "content_type").order_by("-timestamp", "-pk")


@dataclass(frozen=True)
class HistoryRow:
    entry: models.Model  # the auditlog LogEntry
    record_label: str
    changes: list[tuple[str, str, str]]  # field, before, after


def history_rows(entries) -> list[HistoryRow]:
    """Audit entries made readable: field labels, choice labels, local dates and times, and
    the names behind ids (people by their full names), resolved with one query per related
    model for the whole page. Ids, timestamps, version counters, derived fields and the
    record's own project are left out; a new record lists only the fields it was given."""
    entries = list(entries)
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _model_field(model, name)
            if (
                field is not None
                and field.many_to_one
                and _shown(model, field)
                and isinstance(values, list)
            ):
                wanted.setdefault(field.related_model, set()).update(
                    str(value) for value in values if value not in (None, "None")
                )
    names = {
        (related, str(obj.pk)): _label(obj)
        for related, pks in wanted.items()
        for obj in related._base_manager.filter(pk__in=[pk for pk in pks if pk.isdigit()])
    }

    def shown(field, value) -> str:
        if value in (None, "None", ""):
            return "–"
        if field is not None and field.many_to_one:
            return names.get((field.related_model, str(value)), gettext("(deleted)"))
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.DecimalField):
            try:
                # "812.50" is shown as the forms and pages show it: "812,5".
                return format_decimal(Decimal(value))
            except InvalidOperation:
                return str(value)
        if isinstance(field, models.DateTimeField):
            return _local_datetime(value)
        if isinstance(field, models.DateField):
            return _date(value)
        if value in ("True", "False"):
            return gettext("Yes") if value == "True" else gettext("No")
        return str(value)

    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        # A new record lists only the fields it was given; a deleted one only those it had.
        blank_side = {entry.Action.CREATE: 1, entry.Action.DELETE: 0}.get(entry.action)
        changes = []
        for name, values in sorted(
            (entry.changes_dict or {}).items(), key=lambda item: _position(model, item[0])
        ):
            field = _model_field(model, name)
            if field is None and _is_relation_of(model, name):
                continue  # auditlog lists reverse relations of a new record: nothing to show
            if field is not None and not _shown(model, field):
                continue
            label = str(getattr(field, "verbose_name", name))
            if isinstance(values, dict) and values.get("type") == "m2m":
                objects = ", ".join(values.get("objects", []))
                before, after = ("", objects) if values.get("operation") == "add" else (objects, "")
                before, after = before or "–", after or "–"
            else:
                before, after = (shown(field, value) for value in values)
            if before == after == "–" or (
                blank_side is not None and (before, after)[blank_side] == "–"
            ):
                continue
            changes.append((label, before, after))
        label = str(model._meta.verbose_name) if model else ""
        rows.append(HistoryRow(entry=entry, record_label=label, changes=changes))
    return rows


def _label(obj) -> str:
    """What a related record is called: a person by their full name, anything else as it
    names itself."""
    if isinstance(obj, get_user_model()):
        return person(obj)
    return str(obj)


def _shown(model, field) -> bool:
    """Whether a reader of the history is shown changes of this field."""
    if field is None:
        return True
    if field.primary_key or field.name in _BOOKKEEPING:
        return False
    if field.name in _DERIVED.get(model._meta.label_lower, ()):
        return False
    # Every entry on the page is the project's: a record's own project says nothing.
    return not (field.many_to_one and field.related_model is Project and model is not Project)


def _position(model, name: str) -> int:
    """Fields in the order the model declares them (the order the forms ask for them)."""
    field = _model_field(model, name)
    fields = model._meta.get_fields() if model else []
    return fields.index(field) if field in fields else len(fields)


def _local_datetime(value: str) -> str:
    """auditlog stores a time as naive UTC ("2026-11-28 13:05:09.123456"); shown in the
    interface's time zone and format: "28. november 2026 kl. 14.05"."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _date(value: str) -> str:
    try:
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    except ValueError:
        return value


def _model_field(model, name):
    """The model's own field of that name (not a reverse relation), or None."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    if field is not None and field.auto_created and not field.concrete:
        return None
    return field


def _is_relation_of(model, name: str) -> bool:
    """A reverse relation (another model's key pointing here), which has no value of its own."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return False
    return field is not None and field.auto_created and not field.concrete
