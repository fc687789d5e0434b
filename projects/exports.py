"""CSV and Excel exports of exactly the filtered portfolio, with flat memory: rows are read
from the database in chunks and written out as they come."""

import csv
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from projects.models import (
    AIActRiskClass,
    Area,
    DPIAStatus,
    OperationDecision,
    OperationDecisionKind,
    OrganisationKind,
    Outcome,
    Participation,
    PhaseKind,
    Project,
    StopReason,
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
    # Counted per project in the list's query (see selectors.portfolio.with_obligation_counts).
    (lambda: _("Open AI Act obligations"), "open_obligations", None),
    (lambda: _("Overdue AI Act obligations"), "overdue_obligations", None),
    (lambda: _("Medical device (MDR)"), "medical_device", _label(YesNoUnknown)),
    (lambda: _("Operation decisions"), None, None),  # one cell for all organisations
    (lambda: _("Reason for closing without operation"), "closing_reason", _label(StopReason)),
    (lambda: _("Benefits realised (%)"), "realisation_percent", None),
    (lambda: _("External consultants' share (%)"), "consultant_share", None),
    (lambda: _("Help requested"), "help_requested", None),
    (lambda: _("Escalated barrier"), "escalated_barrier", None),
]


# Rows are read from the database in chunks of this many.
CHUNK_SIZE = 2000


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


def percent_columns() -> set[int]:
    """Positions of the columns holding percentages (with one decimal)."""
    percents = {"realisation_percent", "consultant_share"}
    return {position for position, (_h, field, _f) in enumerate(COLUMNS) if field in percents}


def _decision_phrase(decision: str, decided_on, reason_category: str) -> str:
    """An organisation's decision in a few words: "put into operation 01.03.2024", "decided
    not to (GDPR / data protection)"."""
    reason = {"reason": dict(StopReason.choices).get(reason_category, "")}
    if decision == OperationDecisionKind.IN_OPERATION:
        if decided_on is None:
            return _("put into operation")
        return _("put into operation %(date)s") % {
            "date": date_format(decided_on, "SHORT_DATE_FORMAT")
        }
    if decision == OperationDecisionKind.NOT_TO:
        return (
            _("decided not to (%(reason)s)") % reason if reason["reason"] else _("decided not to")
        )
    if decision == OperationDecisionKind.POSTPONED:
        return _("postponed (%(reason)s)") % reason if reason["reason"] else _("postponed")
    return _("not yet decided")


class _Decisions:
    """Every filtered project's participating organisations and operation decisions, read in
    two queries for the whole export (a few small tuples per project), so that the number of
    queries does not grow with the rows."""

    def __init__(self, projects: QuerySet):
        project_ids = projects.values("pk")
        self.participants = defaultdict(list)
        for project_id, organisation_id, name in (
            Participation.objects.filter(project_id__in=project_ids)
            .exclude(organisation_id=F("project__lead_organisation_id"))
            .order_by("organisation__name", "organisation_id")
            .values_list("project_id", "organisation_id", "organisation__name")
        ):
            self.participants[project_id].append((organisation_id, name))
        self.decisions = defaultdict(dict)
        for (
            project_id,
            organisation_id,
            decision,
            decided_on,
            reason,
        ) in OperationDecision.objects.filter(project_id__in=project_ids).values_list(
            "project_id", "organisation_id", "decision", "decided_on", "reason_category"
        ):
            self.decisions[project_id][organisation_id] = (decision, decided_on, reason)

    def summary(self, project_id: int, lead_id: int, lead_name: str) -> str:
        """The lead first, then the participants by name, each with its decision."""
        undecided = (OperationDecisionKind.UNDECIDED, None, "")
        decided = self.decisions.get(project_id, {})
        members = [(lead_id, lead_name), *self.participants.get(project_id, [])]
        return "; ".join(
            f"{name}: {_decision_phrase(*decided.get(organisation_id, undecided))}"
            for organisation_id, name in members
        )


def rows(projects: QuerySet) -> Iterator[list]:
    """One list of cell values per project, read in chunks."""
    fields = [field for _header, field, _format in COLUMNS if field is not None]
    yes, no = _("Yes"), _("No")
    decisions = _Decisions(projects)
    values = projects.values_list("pk", "lead_organisation_id", "lead_organisation__name", *fields)
    for project_id, lead_id, lead_name, *stored_values in values.iterator(chunk_size=CHUNK_SIZE):
        stored = iter(stored_values)
        row = []
        for _header, field, formatter in COLUMNS:
            if field is None:
                value = decisions.summary(project_id, lead_id, lead_name)
            else:
                value = next(stored)
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
            yield writer.writerow([_csv_cell(cell) for cell in row])


def _csv_cell(cell):
    if cell is None:
        return ""
    if isinstance(cell, Decimal):  # 45,5 in Danish, as Excel reads it there
        return number_format(cell)
    return cell


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
    percent_format = workbook.add_format({"num_format": "0.0"})
    amounts = amount_columns()
    percents = percent_columns()
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
            elif column in percents:
                sheet.write_number(number, column, float(cell), percent_format)
            else:
                sheet.write_number(
                    number, column, cell, amount_format if column in amounts else None
                )
    workbook.close()
    handle.seek(0)
    return handle


def filename(extension: str) -> str:
    return f"signaturprojekter-{timezone.localdate():%Y-%m-%d}.{extension}"
