"""The demo projects' compliance, for bulk insertion: their risk profiles, DPIA details and
legal questions in memory, and, once the projects are in the database and the catalogue has
given them their AI Act obligations (`apply_catalogue`), how far each obligation is met."""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from projects.models import (
    AIActRiskClass,
    AIActRole,
    AnnexIIIArea,
    Area,
    Barrier,
    BarrierCategory,
    DPIAStatus,
    LegalAddressee,
    LegalArea,
    LegalQuestion,
    LegalQuestionStatus,
    Obligation,
    ObligationStatus,
    Outcome,
    PhaseKind,
    Project,
    ProjectObligation,
)

from .catalogue import DemoLegalQuestion

BATCH = 2000
DPO = "Databeskyttelsesrådgiveren (DPO)"
DPIA_APPROVERS = [DPO, "Direktionen", "Juridisk chef"]
RUNNING_PHASES = {PhaseKind.OPERATION, PhaseKind.SCALING}
RUNNING_OUTCOMES = {Outcome.IN_OPERATION, Outcome.SCALED}

# Who in the organisation answers for each obligation, and what shows it is met.
OWNERS = {
    "art5-prohibited-practices": "Juridisk afdeling",
    "art4-ai-literacy": "HR og kompetenceudvikling",
    "art27-fria": DPO,
    "art50-transparency": "Kommunikationsafdelingen",
}
DEFAULT_OWNER = "Projektleder"
EVIDENCE = {
    "art5-prohibited-practices": "Systemet er gennemgået for forbudt AI-praksis efter art. 5; "
    "ingen fundet. Notat fra juridisk afdeling i ESDH-sagen.",
    "art4-ai-literacy": "Alle brugere har gennemført kursus i AI-færdigheder; kursusmateriale "
    "og deltagerliste ligger i ESDH-sagen.",
    "art16-provider-duties": "Kvalitetsstyringssystem, teknisk dokumentation og "
    "overensstemmelsesvurdering er udarbejdet sammen med leverandøren.",
    "art49-1-provider-registration": "Systemet er registreret i EU-databasen af udbyderen.",
    "art26-1-instructions": "Udbyderens brugsanvisning er gennemgået, og arbejdsgangene er "
    "tilpasset den.",
    "art26-2-human-oversight": "Sagsbehandlerne godkender hvert forslag; de er oplært i "
    "systemets begrænsninger. Instruks i ESDH-sagen.",
    "art26-4-input-data": "Inputdata er gennemgået for relevans og repræsentativitet; notat fra "
    "dataanalytikeren.",
    "art26-5-monitoring": "Månedlig opfølgning på systemets drift; hændelser meldes til udbyderen.",
    "art26-6-log-retention": "Logs gemmes i tolv måneder hos driftsleverandøren.",
    "art26-7-inform-workers": "MED-udvalget og medarbejderne er orienteret, før systemet blev "
    "taget i brug.",
    "art26-8-public-registration": "Brugen er registreret i EU-databasen.",
    "art26-11-inform-affected": "Borgerne oplyses i brev og på hjemmesiden om, at systemet "
    "bruges i sagsbehandlingen.",
    "art27-fria": "Konsekvensanalysen vedrørende grundlæggende rettigheder er godkendt og "
    "sendt til markedsovervågningsmyndigheden.",
    "art49-3-deployer-registration": "Brugen er registreret i EU-databasen.",
    "art50-transparency": "Borgerne oplyses om, at de kommunikerer med et AI-system, og "
    "genereret tekst er mærket.",
    "art86-explanation": "Skabelon til forklaring af afgørelser er indarbejdet i sagsbehandlingen.",
}
DEFAULT_EVIDENCE = "Dokumentationen ligger i projektets ESDH-sag."
IN_PROGRESS_NOTE = "Arbejdet er i gang; udkastet ligger i projektets ESDH-sag."
# Why an obligation of a running solution does not apply after all.
NOT_APPLICABLE = {
    "art50-transparency": "Systemet kommunikerer ikke med borgerne og laver ikke indhold til "
    "dem; en sagsbehandler skriver alle svar.",
    "art26-7-inform-workers": "Systemet bruges ikke over for medarbejderne; de er orienteret "
    "som brugere under art. 4.",
}
CLOSED_REASON = "Projektet blev afsluttet uden drift; løsningen tages ikke i brug."
SETTLED_FIELDS = ["status", "owner", "approved_by", "evidence", "not_applicable_reason"]


@dataclass(frozen=True)
class Override:
    """Obligations still open when the project went into operation, allowed by the agency."""

    codes: tuple[str, ...]
    reason: str


def set_dpia(project: Project, rng: random.Random, *, today: date, approved_by: str = "") -> None:
    """A completed DPIA's date, its document in the organisation's own archive (a fictitious
    address) and who approved it."""
    if project.dpia_status != DPIAStatus.COMPLETED:
        return
    completed = project.start_date + timedelta(days=rng.randint(90, 400))
    project.dpia_completed_on = min(completed, today)
    project.dpia_approved_by = approved_by or rng.choice(DPIA_APPROVERS)
    slug = project.lead_organisation.short_code or "sag"
    project.dpia_link = (
        f"https://esdh.example.org/{slug}/sager/{project.dpia_completed_on:%Y}-"
        f"{rng.randint(1, 99999):05d}"
    )


def legal_questions(
    project: Project,
    specs: list[DemoLegalQuestion],
    barriers: list[Barrier],
    *,
    author,
    today: date,
) -> list[LegalQuestion]:
    """The project's legal questions, those raised from a barrier linked to it (inserted
    after the barriers, so that they have ids)."""
    questions = []
    for spec in specs:
        barrier = None
        if spec.from_barrier is not None and spec.from_barrier < len(barriers):
            barrier = barriers[spec.from_barrier]
        if barrier is not None:
            asked_on = barrier.identified_on + timedelta(days=14)
        else:
            asked_on = project.start_date + timedelta(days=round(30.44 * spec.months_after))
        asked_on = min(asked_on, today)
        question = LegalQuestion(
            project=project,
            barrier=barrier,
            question=spec.question,
            legal_area=spec.legal_area,
            asked_to=spec.asked_to,
            asked_on=asked_on,
            author=author,
        )
        answered_on = asked_on + timedelta(days=spec.answered_after_days)
        if spec.answer and answered_on <= today:
            question.status = LegalQuestionStatus.ANSWERED
            question.answer, question.answer_source = spec.answer, spec.answer_source
            question.answered_on, question.shared = answered_on, spec.shared
        elif spec.withdrawn:
            question.status = LegalQuestionStatus.WITHDRAWN
        questions.append(question)
    return questions


# Synthetic projects: distributions chosen to look like a national portfolio.
RISK_CLASS_WEIGHTS = {
    AIActRiskClass.NOT_ASSESSED: 12,
    AIActRiskClass.MINIMAL: 42,
    AIActRiskClass.LIMITED: 28,
    AIActRiskClass.HIGH: 17,
    AIActRiskClass.PROHIBITED: 1,
}
ROLE_WEIGHTS = {AIActRole.DEPLOYER: 85, AIActRole.PROVIDER: 10, AIActRole.UNKNOWN: 5}
# The Annex III areas a high-risk system of each area of the programme may fall in; health
# systems are high-risk as medical devices (Annex I) rather than by Annex III.
ANNEX_III_BY_AREA = {
    Area.HEALTH: [AnnexIIIArea.NONE],
    Area.EMPLOYMENT: [AnnexIIIArea.ESSENTIAL_SERVICES, AnnexIIIArea.EMPLOYMENT],
    Area.SOCIAL: [AnnexIIIArea.ESSENTIAL_SERVICES],
    Area.CHILDREN: [AnnexIIIArea.ESSENTIAL_SERVICES, AnnexIIIArea.EDUCATION],
    Area.ELDERLY: [AnnexIIIArea.ESSENTIAL_SERVICES],
    Area.CLIMATE: [AnnexIIIArea.CRITICAL_INFRASTRUCTURE, AnnexIIIArea.NONE],
    Area.TECHNICAL: [AnnexIIIArea.CRITICAL_INFRASTRUCTURE, AnnexIIIArea.NONE],
    Area.ADMINISTRATION: [AnnexIIIArea.ESSENTIAL_SERVICES, AnnexIIIArea.NONE],
}
LEGAL_AREA_OF_BARRIER = {
    BarrierCategory.LEGAL: [LegalArea.GDPR, LegalArea.PUBLIC_ADMINISTRATION],
    BarrierCategory.REGULATION: [LegalArea.AI_ACT, LegalArea.MEDICAL_DEVICES],
    BarrierCategory.SUPPLIERS: [LegalArea.PROCUREMENT],
}
SYNTHETIC_QUESTIONS = {
    LegalArea.GDPR: (
        "Hvilket behandlingsgrundlag har vi for at bruge borgernes oplysninger i drift?",
        "Udvikling og afprøvning kan ske efter reglerne om udvikling; drift kræver et klart "
        "behandlingsgrundlag i national ret, der forudser behandlingen.",
    ),
    LegalArea.PUBLIC_ADMINISTRATION: (
        "Hvordan opfylder vi begrundelseskravet, når en model støtter afgørelsen?",
        "Afgørelsen træffes af en sagsbehandler efter et konkret skøn, og begrundelsen "
        "henviser til sagens faktiske forhold, ikke til modellens score.",
    ),
    LegalArea.AI_ACT: (
        "Er løsningen et højrisikosystem efter AI-forordningens bilag III?",
        "Ja, når den bruges til at vurdere borgeres adgang til offentlige ydelser; "
        "idriftsætteren skal da opfylde art. 26 og 27.",
    ),
    LegalArea.MEDICAL_DEVICES: (
        "Er løsningen medicinsk udstyr efter MDR?",
        "Ja, når den bruges til diagnose eller behandling af den enkelte patient; den skal da "
        "CE-mærkes, før den tages i brug.",
    ),
    LegalArea.PROCUREMENT: (
        "Kan andre kommuner tage løsningen i brug på vores kontrakt?",
        "Kun hvis de var nævnt som mulige ordregivere i udbuddet; ellers kræver det et nyt "
        "udbud eller en fælles rammeaftale.",
    ),
}
SYNTHETIC_ADDRESSEES = [
    LegalAddressee.OWN_LEGAL,
    LegalAddressee.DATATILSYNET,
    LegalAddressee.AGENCY,
    LegalAddressee.KL,
    LegalAddressee.EXTERNAL,
]


def synthetic_profile(project: Project, rng: random.Random, *, today: date) -> None:
    """The project's AI Act risk class, role and Annex III area, and its DPIA's details."""
    project.ai_act_risk_class = rng.choices(
        list(RISK_CLASS_WEIGHTS), weights=list(RISK_CLASS_WEIGHTS.values())
    )[0]
    project.ai_act_role = rng.choices(list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()))[0]
    if project.ai_act_risk_class == AIActRiskClass.HIGH:
        project.annex_iii_area = rng.choice(ANNEX_III_BY_AREA[project.area])
    set_dpia(project, rng, today=today)


def synthetic_legal_questions(
    project: Project, barriers: list[Barrier], rng: random.Random, *, author, today: date
) -> list[LegalQuestion]:
    """A question raised from some of the project's legal, regulatory and procurement
    barriers; many answered, some of the answers shared."""
    specs = []
    for position, barrier in enumerate(barriers):
        areas = LEGAL_AREA_OF_BARRIER.get(barrier.category)
        if not areas or rng.random() >= 0.3:
            continue
        area = rng.choice(areas)
        question, answer = SYNTHETIC_QUESTIONS[area]
        answered = rng.random() < 0.6
        specs.append(
            DemoLegalQuestion(
                question,
                area,
                rng.choice(SYNTHETIC_ADDRESSEES),
                answer=answer if answered else "",
                answer_source="Svar på projektets henvendelse" if answered else "",
                answered_after_days=rng.randint(14, 150),
                shared=answered and rng.random() < 0.3,
                from_barrier=position,
                withdrawn=not answered and rng.random() < 0.1,
            )
        )
    return legal_questions(project, specs, barriers, author=author, today=today)


# How far the obligations are met


def _is_running(project: Project) -> bool:
    return project.current_phase in RUNNING_PHASES or project.outcome in RUNNING_OUTCOMES


def _done(held: ProjectObligation, project: Project, rng: random.Random, *, today: date):
    held.status = ObligationStatus.DONE
    completed = min(
        held.due_on - timedelta(days=rng.randint(5, 90)),
        today - timedelta(days=rng.randint(1, 30)),
    )
    held.completed_on = max(completed, min(project.start_date, today))
    held.approved_by = "Styregruppen"
    held.evidence = EVIDENCE.get(held.obligation.code, DEFAULT_EVIDENCE)


def _not_applicable(held: ProjectObligation, reason: str) -> None:
    held.status, held.not_applicable_reason = ObligationStatus.NOT_APPLICABLE, reason


def _settle(
    held: ProjectObligation,
    project: Project,
    *,
    override: Override | None,
    today: date,
) -> None:
    """Plausible progress on one obligation, from where the project is."""
    code = held.obligation.code
    rng = random.Random(f"{project.title}-{code}")
    held.owner = OWNERS.get(code, DEFAULT_OWNER)
    phase = PhaseKind(held.obligation.phase).order
    current = PhaseKind(project.current_phase or PhaseKind.CLARIFICATION).order
    if _is_running(project):
        if held.obligation.before_operation:
            if override and code in override.codes:
                held.status, held.evidence = ObligationStatus.IN_PROGRESS, IN_PROGRESS_NOTE
            elif code in NOT_APPLICABLE and rng.random() < 0.3:
                _not_applicable(held, NOT_APPLICABLE[code])
            else:
                _done(held, project, rng, today=today)
        elif rng.random() < 0.6:
            held.status, held.evidence = ObligationStatus.IN_PROGRESS, IN_PROGRESS_NOTE
        else:
            _done(held, project, rng, today=today)
        return
    if project.outcome in Outcome.closed_values():
        if phase < current and rng.random() < 0.6:
            _done(held, project, rng, today=today)
        else:
            _not_applicable(held, CLOSED_REASON)
        return
    # Ongoing: what is due by now is met by the diligent projects, mostly met by most and
    # left behind by some (overdue); of what is not due yet, what belongs to the phases
    # behind it is mostly met, the current phase's is under way, later ones mostly not
    # started.
    if held.due_on < today:
        diligence = random.Random(f"{project.title}-diligence").random()
        done = 100 if diligence < 0.3 else 70 if diligence < 0.75 else 25
        weights = {ObligationStatus.DONE: done, ObligationStatus.IN_PROGRESS: (100 - done) // 2}
    elif phase < current:
        weights = {ObligationStatus.DONE: 70, ObligationStatus.IN_PROGRESS: 20}
    elif phase == current:
        weights = {ObligationStatus.DONE: 20, ObligationStatus.IN_PROGRESS: 50}
    else:
        weights = {ObligationStatus.DONE: 0, ObligationStatus.IN_PROGRESS: 20}
    weights[ObligationStatus.NOT_STARTED] = 100 - sum(weights.values())
    status = rng.choices(list(weights), weights=list(weights.values()))[0]
    if status == ObligationStatus.DONE:
        _done(held, project, rng, today=today)
    elif status == ObligationStatus.IN_PROGRESS:
        held.status, held.evidence = status, IN_PROGRESS_NOTE


def settle_obligations(
    projects: list[Project], *, today: date, overrides: dict[int, Override] | None = None
) -> None:
    """Mark how far the obligations that `apply_catalogue` gave these projects are met: a
    solution in operation has met those to be met before operation (or they were found not
    to apply, or the agency allowed going on without them: `overrides` by project id), a
    closed project's remaining ones no longer apply, an ongoing one is somewhere on the way.
    Read in one query and written in bulk."""
    overrides = overrides or {}
    by_id = {project.pk: project for project in projects}
    catalogue = {obligation.pk: obligation for obligation in Obligation.objects.all()}
    rows = list(ProjectObligation.objects.current().filter(project_id__in=by_id))
    # Written as few updates of rows with the same values, and one bulk update of the dates
    # (Django's bulk_update builds an expression per row and field: slow at this scale).
    same_values: dict[tuple, list[int]] = defaultdict(list)
    completed = []
    for held in rows:
        held.obligation = catalogue[held.obligation_id]
        project = by_id[held.project_id]
        _settle(held, project, override=overrides.get(project.pk), today=today)
        same_values[tuple(getattr(held, name) for name in SETTLED_FIELDS)].append(held.pk)
        if held.completed_on:
            completed.append(held)
    for values, ids in same_values.items():
        ProjectObligation.objects.filter(pk__in=ids).update(
            **dict(zip(SETTLED_FIELDS, values, strict=True))
        )
    ProjectObligation.objects.bulk_update(completed, ["completed_on"], batch_size=BATCH)
