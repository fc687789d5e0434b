"""What a person types into each form; the hidden inputs come from the page they opened."""

from django.urls import reverse
from django.utils import timezone

from projects.models import BarrierCategory, GateDecision


def today() -> str:
    # Status updates and decisions cannot be dated in the future.
    return timezone.localdate().isoformat()


def project_page(project) -> str:
    return reverse("project_detail", args=[project.pk])


def profile(project, *, title: str) -> dict:
    """The whole project profile form, filled in validly, with a new title."""
    return {
        "title": title,
        "summary": "Opdateret resumé.",
        "lead_organisation": project.lead_organisation_id,
        "participants": [organisation.pk for organisation in project.participants.all()],
        "funding_round": project.funding_round_id or "",
        "area": "administration",
        "ai_technique": "text",
        "grant_dkk": "1000000",
        "total_budget_dkk": "2000000",
        "start_date": "2022-01-01",
        "planned_end_date": "2024-12-31",
        "outcome": "ongoing",
        "personal_data": "yes",
        "dpia_status": "in_progress",
        "ai_act_risk_class": "minimal",
        "medical_device": "no",
    }


def status_update(*, progress: str, overall: str = "green", help_text: str = "") -> dict:
    data = {
        "reported_on": today(),
        "overall_status": overall,
        "schedule_status": overall,
        "budget_status": "yellow",
        "benefits_status": "green",
        "progress": progress,
        "next_steps": "Fortsæt efter planen.",
    }
    if help_text:
        data.update(help_needed="on", help_text=help_text)
    return data


def barrier_edit(*, title: str) -> dict:
    return {
        "category": BarrierCategory.LEGAL,
        "title": title,
        "description": "Uklart retsgrundlag.",
        "severity": "critical",
        "status": "handling",
        "identified_on": "2022-03-01",
    }


def escalation(*, request: str = "Vurdér hjemmelsgrundlaget for drift.") -> dict:
    return {"escalation_request": request}


def review_answer(*, answer: str) -> dict:
    return {"answer": answer}


def gate_go() -> dict:
    return {
        "decision": GateDecision.GO,
        "decided_on": today(),
        "decided_by": "Styregruppen",
        "rationale": "Klar til udvikling.",
    }


def decision(*, title: str, barriers=()) -> dict:
    return {
        "decided_on": today(),
        "title": title,
        "kind": "supplier",
        "description": "Vi vælger leverandør A.",
        "decided_by": "Styregruppen",
        "barriers": [barrier.pk for barrier in barriers],
    }
