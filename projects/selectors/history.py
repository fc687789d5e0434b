"""The change history of a project and its records, made readable."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext

from projects.models import Project, ReviewNote
from projects.templatetags.sigprojects import decimal as format_decimal


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
    """Audit entries made readable: field names, choice labels and the names behind ids,
    resolved with one query per related model for the whole page."""
    entries = list(entries)
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _model_field(model, name)
            if field is not None and field.many_to_one and isinstance(values, list):
                wanted.setdefault(field.related_model, set()).update(
                    value for value in values if value not in (None, "None")
                )
    names = {
        (related, str(obj.pk)): str(obj)
        for related, pks in wanted.items()
        for obj in related._base_manager.filter(pk__in=[pk for pk in pks if pk.isdigit()])
    }

    def shown(field, value) -> str:
        if value in (None, "None", ""):
            return "–"
        if field is not None and field.many_to_one:
            return names.get((field.related_model, str(value)), f"#{value}")
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.DecimalField):
            try:
                # "812.50" is shown as the forms and pages show it: "812,5".
                return format_decimal(Decimal(value))
            except InvalidOperation:
                return str(value)
        if value in ("True", "False"):
            return gettext("Yes") if value == "True" else gettext("No")
        return str(value)

    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            field = _model_field(model, name)
            label = str(getattr(field, "verbose_name", name))
            if isinstance(values, dict) and values.get("type") == "m2m":
                objects = ", ".join(values.get("objects", []))
                before, after = ("", objects) if values.get("operation") == "add" else (objects, "")
                changes.append((label, before or "–", after or "–"))
            else:
                before, after = values
                changes.append((label, shown(field, before), shown(field, after)))
        label = str(model._meta.verbose_name) if model else ""
        rows.append(HistoryRow(entry=entry, record_label=label, changes=changes))
    return rows


def _model_field(model, name):
    """The model's own field of that name (not a reverse relation), or None."""
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    if field is not None and field.auto_created and not field.concrete:
        return None
    return field
