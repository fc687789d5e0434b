"""Valid POST data for every form, one builder each, shared by every test that posts.

Create forms carry a one-time token as a browser would get it with the form; each call
makes a new one, so each call is a new form. Pass keyword arguments to change fields."""

import uuid

from django.utils import timezone

from projects.models import BarrierCategory, GateDecision, LessonCategory, Phase


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
    """A gate decision on the project's open phase, at the version it has now."""
    phases = Phase.objects.filter(ended_on__isnull=True)
    phase = (phases.filter(project=project) if project is not None else phases).first()
    return {
        "phase_id": phase.pk if phase else "",
        "phase_version": phase.version if phase else "",
        "decision": decision,
        "decided_on": _today(),
        "decided_by": "Styregruppen",
        "rationale": "Data og hjemmel er afklaret.",
        "closing_outcome": "stopped",
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
    return {**data, **overrides}


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
    }
