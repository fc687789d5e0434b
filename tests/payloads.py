"""Valid POST data for every form, one builder each, shared by every test that posts.

Create forms carry a one-time token as a browser would get it with the form; each call
makes a new one, so each call is a new form. Pass keyword arguments to change fields."""

import uuid

from django.utils import timezone

from projects.models import BarrierCategory, GateDecision, LessonCategory, Phase, StopReason
from projects.numbers import format_danish_decimal


def _today() -> str:
    return timezone.localdate().isoformat()


def token() -> str:
    return str(uuid.uuid4())


def lights(**overrides) -> dict:
    values = {f"{k}_status": "green" for k in ("overall", "schedule", "budget", "benefits")}
    return {**values, **overrides}


def status_update(**overrides) -> dict:
    return {
        "submission_token": token(),
        "reported_on": _today(),
        "progress": "Godt i gang.",
        **lights(),
        **overrides,
    }


def gate_decision(decision=GateDecision.GO, *, project=None, **overrides) -> dict:
    """A gate decision on the project's open phase, at the version it has now. A stop says
    why the solution is not put into operation."""
    phases = Phase.objects.filter(ended_on__isnull=True)
    phase = (phases.filter(project=project) if project is not None else phases).first()
    stopping = {
        "closing_reason": StopReason.BUSINESS_CASE,
        "closing_explanation": "Gevinsten står ikke mål med driftsudgiften.",
    }
    return {
        "phase_id": phase.pk if phase else "",
        "phase_version": phase.version if phase else "",
        "decision": decision,
        "decided_on": _today(),
        "decided_by": "Styregruppen",
        "rationale": "Data og hjemmel er afklaret.",
        "closing_outcome": "stopped",
        **(stopping if decision == GateDecision.STOP else {}),
        **overrides,
    }


def barrier(**overrides) -> dict:
    return {
        "submission_token": token(),
        "category": BarrierCategory.LEGAL,
        "title": "Uklar hjemmel",
        "description": "Vi mangler hjemmel til drift.",
        "severity": "critical",
        "status": "open",
        "identified_on": _today(),
        **overrides,
    }


def barrier_edit(barrier_record, **overrides) -> dict:
    """The edit form of an existing barrier, as opened now."""
    data = {
        "category": barrier_record.category,
        "title": barrier_record.title,
        "description": barrier_record.description,
        "severity": barrier_record.severity,
        "status": barrier_record.status,
        "identified_on": barrier_record.identified_on.isoformat(),
        "version": barrier_record.version,
    }
    if barrier_record.escalated:
        data.update(escalated="on", escalation_request=barrier_record.escalation_request)
    return {**data, **overrides}


def escalation(**overrides) -> dict:
    return {
        "escalation_request": "Vurdér om kommunen har hjemmel til drift efter servicelovens § 12.",
        **overrides,
    }


def resolution(barrier_record, **overrides) -> dict:
    return {
        "resolution": "Aftale med jurist.",
        "resolved_on": _today(),
        "version": barrier_record.version,
        **overrides,
    }


def decision(**overrides) -> dict:
    return {
        "submission_token": token(),
        "decided_on": _today(),
        "title": "Vælg leverandør",
        "kind": "supplier",
        "description": "Vi vælger leverandør A.",
        **overrides,
    }


def lesson(**overrides) -> dict:
    return {
        "submission_token": token(),
        "title": "Start tidligt med jura",
        "category": LessonCategory.LEGAL,
        "what_happened": "Hjemmel manglede.",
        "advice": "Spørg juristen tidligt.",
        "visibility": "portfolio",
        "learned_on": _today(),
        **overrides,
    }


def review_note(**overrides) -> dict:
    return {
        "submission_token": token(),
        "kind": "follow_up",
        "text": "Hvordan går det med DPIA?",
        **overrides,
    }


def answer(note, **overrides) -> dict:
    return {"answer": "DPIA er færdig.", "version": note.version, **overrides}


def project(lead, *, participants=(), **overrides) -> dict:
    """A new project's profile (with a token) for `lead`."""
    return {
        "submission_token": token(),
        **_profile(lead, participants),
        **overrides,
    }


def project_edit(project_record, **overrides) -> dict:
    """The profile form of an existing project, as opened now."""
    return {
        **_profile(
            project_record.lead_organisation, project_record.participants.all(), project_record
        ),
        "version": project_record.version,
        **overrides,
    }


def _profile(lead, participants, current=None) -> dict:
    return {
        "title": current.title if current else "AI i borgerservice",
        "summary": current.summary if current else "Chatbot til borgerservice.",
        "lead_organisation": lead.pk,
        "participants": [organisation.pk for organisation in participants],
        "area": current.area if current else "administration",
        "ai_technique": "text",
        "grant_dkk": "500000",
        "total_budget_dkk": "750000",
        "personal_data": "yes",
        "dpia_status": "not_started",
        "ai_act_risk_class": "limited",
        "medical_device": "no",
        "start_date": "2022-01-01",
        "planned_end_date": "2026-06-30",
        **(_compliance_profile(current) if current else {}),
    }


def _compliance_profile(current) -> dict:
    """The AI Act and DPIA fields of the profile as stored, so an edit keeps them."""
    return {
        "ai_act_risk_class": current.ai_act_risk_class,
        "ai_act_role": current.ai_act_role,
        "annex_iii_area": current.annex_iii_area,
        "dpia_status": current.dpia_status,
        "dpia_completed_on": current.dpia_completed_on.isoformat()
        if current.dpia_completed_on
        else "",
        "dpia_link": current.dpia_link,
        "dpia_approved_by": current.dpia_approved_by,
    }


def obligation(held, **overrides) -> dict:
    """The form of one of a project's AI Act obligations, as opened now."""
    return {
        "status": held.status,
        "not_applicable_reason": held.not_applicable_reason,
        "owner": held.owner,
        "completed_on": held.completed_on.isoformat() if held.completed_on else "",
        "approved_by": held.approved_by,
        "evidence": held.evidence,
        "version": held.version,
        **overrides,
    }


# Where the project ends up


def operation_decision(current=None, **overrides) -> dict:
    """An organisation's operation decision form as opened now: on its current decision
    (`current`), or on none (version 0)."""
    return {
        "decision": "in_operation",
        "decided_on": _today(),
        "decided_by": "Ældre- og sundhedsudvalget",
        "reason_category": "",
        "reason": "",
        "expected_hours_per_year": "1.200",
        "expected_dkk_per_year": "450.000",
        "version": current.version if current is not None else 0,
        **({"submission_token": token()} if current is None else {}),
        **overrides,
    }


def benefit_indicator(organisation, **overrides) -> dict:
    return {
        "submission_token": token(),
        "organisation": organisation.pk,
        "kind": "hours",
        "title": "Timer brugt på journalisering",
        "unit": "",
        "baseline_value": "1.234,5",
        "baseline_on": "2022-01-01",
        "baseline_method": "Tidsregistrering i fire uger.",
        "target_value": "600",
        "target_on": "2026-12-31",
        "owner": "Afdelingsleder, Borgerservice",
        "frequency": "half_yearly",
        **overrides,
    }


def benefit_indicator_edit(indicator, **overrides) -> dict:
    """The edit form of an existing indicator, as opened now."""
    data = {
        "organisation": indicator.organisation_id,
        "kind": indicator.kind,
        "title": indicator.title,
        "unit": indicator.unit,
        "baseline_value": _decimal(indicator.baseline_value),
        "baseline_on": indicator.baseline_on.isoformat() if indicator.baseline_on else "",
        "baseline_method": indicator.baseline_method,
        "target_value": _decimal(indicator.target_value),
        "target_on": indicator.target_on.isoformat() if indicator.target_on else "",
        "owner": indicator.owner,
        "frequency": indicator.frequency,
        "version": indicator.version,
    }
    return {**data, **overrides}


def measurement(**overrides) -> dict:
    return {
        "submission_token": token(),
        "measured_on": _today(),
        "value": "812,5",
        "method": "Tidsregistrering i fire uger.",
        "evidence": "https://example.dk/rapport.pdf",
        **overrides,
    }


def measurement_edit(record, **overrides) -> dict:
    data = {
        "measured_on": record.measured_on.isoformat(),
        "value": _decimal(record.value),
        "method": record.method,
        "evidence": record.evidence,
        "version": record.version,
    }
    return {**data, **overrides}


def spending(**overrides) -> dict:
    return {
        "submission_token": token(),
        "year": "2024",
        "external_hours": "800",
        "external_dkk": "900.000",
        "internal_hours": "1.200",
        "internal_dkk": "600.000",
        "competence_built": "on",
        "competence_roles": "Dataanalytiker",
        **overrides,
    }


def spending_edit(record, **overrides) -> dict:
    data = {
        "year": record.year,
        "external_hours": record.external_hours,
        "external_dkk": record.external_dkk,
        "internal_hours": record.internal_hours,
        "internal_dkk": record.internal_dkk,
        "competence_roles": record.competence_roles,
        "note": record.note,
        "version": record.version,
        **({"competence_built": "on"} if record.competence_built else {}),
    }
    return {**data, **overrides}


def project_supplier(**overrides) -> dict:
    return {
        "submission_token": token(),
        "name": "Netcompany A/S",
        "cvr": "14814833",
        "role": "development",
        "note": "Udviklede modellen.",
        **overrides,
    }


def project_supplier_edit(link, **overrides) -> dict:
    data = {
        "name": link.supplier.name,
        "cvr": link.supplier.cvr,
        "role": link.role,
        "note": link.note,
        "version": link.version,
    }
    return {**data, **overrides}


def _decimal(value) -> str:
    """A stored decimal as a Danish user would type it."""
    return "" if value is None else format_danish_decimal(value)


def legal_question(**overrides) -> dict:
    """A new legal question (with a token)."""
    return {
        "submission_token": token(),
        "question": "Må vi bruge borgernes sagsakter til at træne modellen?",
        "legal_area": "gdpr",
        "asked_to": "datatilsynet",
        "asked_on": _today(),
        **overrides,
    }


def legal_answer(question, **overrides) -> dict:
    """The answer form of an existing legal question, as opened now, answered."""
    data = {
        "question": question.question,
        "legal_area": question.legal_area,
        "asked_to": question.asked_to,
        "asked_on": question.asked_on.isoformat(),
        "barrier": question.barrier_id or "",
        "status": "answered",
        "answer": "Behandlingsgrundlaget er databeskyttelsesforordningens art. 6, stk. 1, litra e.",
        "answered_on": _today(),
        "answer_source": "Datatilsynets svar af i dag, j.nr. 2024-123",
        "version": question.version,
    }
    return {**data, **overrides}
