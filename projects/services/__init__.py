"""Writes. Each service is one transaction: it locks the project first, then the records it
changes, checks the version a form was opened at, validates with the models' own rules and
changes only the fields it is about. The project's denormalised phase, outcome and status are
kept by the models (see `refresh_derived`), whatever the write path."""

from projects.services.base import ConcurrentEditError
from projects.services.compliance import ObligationChanges, update_obligation, update_profile
from projects.services.destination import (
    find_or_create_supplier,
    link_supplier,
    record_indicator,
    record_measurement,
    record_operation_decision,
    record_spending,
)
from projects.services.legal import raise_legal_question, update_legal_question
from projects.services.projects import (
    advance_phase,
    create_project,
    gate_decision_record,
    obligations_blocking_go_live,
    set_archived,
    update_project,
)
from projects.services.records import (
    escalate_barrier,
    log_status_update,
    record_barrier,
    record_decision,
    record_lesson,
    resolve_barrier,
    restore_entry,
    withdraw_entry,
)
from projects.services.reviews import answer_review_note, close_review_note, write_review_note

__all__ = [
    "ConcurrentEditError",
    "ObligationChanges",
    "advance_phase",
    "answer_review_note",
    "close_review_note",
    "create_project",
    "escalate_barrier",
    "find_or_create_supplier",
    "gate_decision_record",
    "link_supplier",
    "log_status_update",
    "obligations_blocking_go_live",
    "raise_legal_question",
    "record_barrier",
    "record_decision",
    "record_indicator",
    "record_lesson",
    "record_measurement",
    "record_operation_decision",
    "record_spending",
    "resolve_barrier",
    "restore_entry",
    "set_archived",
    "update_legal_question",
    "update_obligation",
    "update_profile",
    "update_project",
    "withdraw_entry",
    "write_review_note",
]
