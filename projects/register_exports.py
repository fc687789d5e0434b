"""The published algorithm register as the Dutch publication standard 1.0 exchanges it: each
record an object keyed by the standard's field names, coded values in the standard's own
vocabulary ("In gebruik", "Zorg en gezondheid"), as the Algoritmeregister's downloads carry
them. Built from published snapshots only, read in chunks, written out as they come."""

import csv
import json
from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from projects.exports import neutralise
from projects.models import RegisterSnapshot
from projects.models.register import STANDARD_VALUES
from projects.selectors.register import REGISTER_FIELDS, public_snapshots

# The standard's field names, in the order the register shows them.
FIELD_NAMES = [key for key, _label in REGISTER_FIELDS]
# Snapshots are read from the database in chunks of this many.
CHUNK_SIZE = 500


def standard_value(key: str, value):
    """A snapshot value in the standard's vocabulary (codes of the coded fields translated;
    everything else as published)."""
    vocabulary = STANDARD_VALUES.get(key)
    if vocabulary is None:
        return value
    if isinstance(value, list):
        return [vocabulary.get(item, item) for item in value]
    return vocabulary.get(value, value)


def standard_record(data: dict) -> dict:
    """A snapshot's published content keyed exactly by the standard's field names, in their
    order; a field a snapshot lacks (published before the field existed) is null."""
    return {key: standard_value(key, data.get(key)) for key in FIELD_NAMES}


def filtered_snapshots(params) -> QuerySet[RegisterSnapshot]:
    """The published snapshots narrowed by the register's filters in a query string
    (`organisation`, `status`, `publication_category`, `theme`, `updated_since`, `q`); a
    value that cannot be read is left out, as the pages' filters do."""
    organisation = params.get("organisation", "")
    try:
        since = date.fromisoformat(params.get("updated_since", ""))
    except ValueError:
        since = None
    return public_snapshots(
        organisation=int(organisation) if organisation.isdigit() else None,
        status=params.get("status", ""),
        publication_category=params.get("publication_category", ""),
        theme=params.get("theme", ""),
        updated_since=since,
        search=params.get("q", ""),
    )


def _records(snapshots: QuerySet[RegisterSnapshot]) -> Iterator[dict]:
    for data in snapshots.values_list("data", flat=True).iterator(chunk_size=CHUNK_SIZE):
        yield standard_record(data or {})


def json_chunks(snapshots: QuerySet[RegisterSnapshot]) -> Iterator[str]:
    """A JSON list of the records, one object per record, written record by record."""
    yield "["
    for position, record in enumerate(_records(snapshots)):
        yield ("," if position else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]\n"


def stringify(value) -> str:
    """A value in one CSV cell, as the Algoritmeregister writes it: lists joined by commas,
    link lists as "1: title, link. 2: …"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return ". ".join(
                f"{position}: " + ", ".join(str(part) for part in item.values() if part)
                for position, item in enumerate(value, start=1)
            )
        return ", ".join(str(item) for item in value)
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_lines(snapshots: QuerySet[RegisterSnapshot]) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark, comma-separated, the header the standard's field
    names. Text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(FIELD_NAMES)
    for record in _records(snapshots):
        yield writer.writerow([neutralise(stringify(record[key])) for key in FIELD_NAMES])


def filename(extension: str) -> str:
    return f"algoritmeregister-{timezone.localdate():%Y-%m-%d}.{extension}"
