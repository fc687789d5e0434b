"""CSV and Excel exports of exactly the filtered portfolio, with flat memory: rows are read
from the database in chunks and written out as they come."""

import csv
import tempfile
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.models import (
    AIActRiskClass,
    Area,
    DPIAStatus,
    OrganisationKind,
    Outcome,
    PhaseKind,
    Project,
    TrafficLight,
    YesNoUnknown,
)
from projects.numbers import AmountField, HoursField

# Cells a spreadsheet would read as a formula start with one of these.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _label(choices):
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value or ""))


def _text(value):
    return value if value is not None else ""


COLUMNS = [
    # (header, field, formatter)
    (lambda: _("ID"), "pk", None),
    (lambda: _("Title"), "title", None),
    (lambda: _("Lead organisation"), "lead_organisation__name", None),
    (lambda: _("Kind of organisation"), "lead_organisation__kind", _label(OrganisationKind)),
    (lambda: _("Funding round"), "funding_round__name", _text),
    (lambda: _("Area"), "area", _label(Area)),
    (lambda: _("Current phase"), "current_phase", _label(PhaseKind)),
    (lambda: _("Overall status"), "current_status", _label(TrafficLight)),
    (lambda: _("Latest update"), "last_status_on", None),
    (lambda: _("Outcome"), "outcome", _label(Outcome)),
    (lambda: _("Grant (DKK)"), "grant_dkk", None),
    (lambda: _("Total budget (DKK)"), "total_budget_dkk", None),
    (lambda: _("Start date"), "start_date", None),
    (lambda: _("Planned end date"), "planned_end_date", None),
    (lambda: _("Personal data processed"), "personal_data", _label(YesNoUnknown)),
    (lambda: _("DPIA status"), "dpia_status", _label(DPIAStatus)),
    (lambda: _("AI Act risk class"), "ai_act_risk_class", _label(AIActRiskClass)),
    (lambda: _("Medical device (MDR)"), "medical_device", _label(YesNoUnknown)),
    (lambda: _("Expected hours saved per year"), "expected_hours_per_year", None),
    (lambda: _("Realised hours saved per year"), "realised_hours_per_year", None),
    (lambda: _("Expected DKK saved per year"), "expected_dkk_per_year", None),
    (lambda: _("Realised DKK saved per year"), "realised_dkk_per_year", None),
    (lambda: _("Help requested"), "help_requested", None),
    (lambda: _("Escalated barrier"), "escalated_barrier", None),
]


def amount_columns() -> set[int]:
    """Positions of the columns holding amounts (kroner, hours), shown grouped in Excel."""
    amounts = {
        field.name
        for field in Project._meta.concrete_fields
        if isinstance(field, AmountField | HoursField)
    }
    return {position for position, (_h, field, _f) in enumerate(COLUMNS) if field in amounts}


def headers() -> list[str]:
    return [header() for header, _field, _format in COLUMNS]


def rows(projects: QuerySet) -> Iterator[list]:
    """One list of cell values per project, read in chunks of 2,000."""
    fields = [field for _header, field, _format in COLUMNS]
    formatters = [formatter for _header, _field, formatter in COLUMNS]
    yes, no = _("Yes"), _("No")
    for values in projects.values_list(*fields).iterator(chunk_size=2000):
        row = []
        for value, formatter in zip(values, formatters, strict=True):
            if formatter is not None:
                value = formatter(value)
            elif isinstance(value, bool):
                value = yes if value else no
            row.append(neutralise(value))
        yield row


class _Echo:
    def write(self, value):
        return value


def csv_lines(projects: QuerySet) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark and semicolons, as Danish Excel opens it."""
    # The response is written after the view returns: keep the request's language.
    language = translation.get_language()
    writer = csv.writer(_Echo(), delimiter=";")
    with translation.override(language):
        yield "\ufeff" + writer.writerow(headers())
        for row in rows(projects):
            yield writer.writerow(["" if cell is None else cell for cell in row])


def xlsx_file(projects: QuerySet):
    """A temporary .xlsx file, written row by row in xlsxwriter's constant-memory mode."""
    import xlsxwriter

    # Handed to the response, which closes (and so deletes) it when sent.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook = xlsxwriter.Workbook(
        handle, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet(_("Projects")[:31])
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    # Excel shows "#,##0" with the reader's own separator: 500.000 in a Danish Excel.
    amount_format = workbook.add_format({"num_format": "#,##0"})
    amounts = amount_columns()
    sheet.write_row(0, 0, headers(), bold)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(rows(projects), start=1):
        for column, cell in enumerate(row):
            if cell is None or cell == "":
                continue
            if hasattr(cell, "isoformat"):
                sheet.write_datetime(number, column, cell, date_format)
            elif isinstance(cell, str):
                sheet.write_string(number, column, cell)
            else:
                sheet.write_number(
                    number, column, cell, amount_format if column in amounts else None
                )
    workbook.close()
    handle.seek(0)
    return handle


def filename(extension: str) -> str:
    return f"signaturprojekter-{timezone.localdate():%Y-%m-%d}.{extension}"
