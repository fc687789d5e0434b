"""Creation of the demo data set and of synthetic projects, idempotent and in bulk."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from projects import search
from projects.models import (
    AITechnique,
    Area,
    Barrier,
    BarrierCategory,
    BenefitIndicator,
    BenefitMeasurement,
    Decision,
    DPIAStatus,
    FundingRound,
    LegalQuestion,
    LessonCategory,
    LessonLearned,
    Membership,
    OperationDecision,
    Organisation,
    OrganisationKind,
    Outcome,
    Participation,
    ParticipationKind,
    Phase,
    PhaseKind,
    Project,
    ProjectSupplier,
    Role,
    Severity,
    Spending,
    StatusUpdate,
    Supplier,
    YesNoUnknown,
    apply_catalogue,
)

from . import catalogue
from .catalogue import DemoBarrier, DemoLesson
from .compliance import (
    Override,
    legal_questions,
    set_dpia,
    settle_obligations,
    synthetic_legal_questions,
    synthetic_profile,
)
from .destination import (
    CLOSING_NOTES,
    CLOSING_REASON_WEIGHTS,
    Destination,
    real_destination,
    settle,
    synthetic_destination,
    synthetic_suppliers,
)
from .timeline import Timeline, build_timeline

User = get_user_model()
SYNTHETIC_MARK = "syntetisk"
BATCH = 2000


@dataclass
class SeedReport:
    organisations: int = 0
    funding_rounds: int = 0
    users: int = 0
    projects: int = 0


def seed_reference(report: SeedReport) -> None:
    """Organisations, funding rounds and the demo users with their memberships."""
    for name, kind, code in catalogue.ORGANISATIONS:
        _, created = Organisation.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "short_code": code, "cvr": catalogue.CVR.get(name, "")},
        )
        report.organisations += created
    for name, year, pool in catalogue.FUNDING_ROUNDS:
        _, created = FundingRound.objects.get_or_create(
            name=name, defaults={"year": year, "pool_dkk": pool}
        )
        report.funding_rounds += created
    organisations = {o.name: o for o in Organisation.objects.all()}
    for demo in catalogue.DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@example.dk",
                "is_staff": demo.superuser,
                "is_superuser": demo.superuser,
            },
        )
        if created:
            user.set_password(catalogue.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            report.users += 1
        Membership.objects.get_or_create(
            user=user,
            organisation=organisations[demo.organisation],
            defaults={"role": demo.role},
        )


def _coordinators() -> dict[int, object]:
    """One coordinator per organisation, used as the author of its generated records."""
    authors = {}
    memberships = Membership.objects.filter(role=Role.COORDINATOR).select_related("user")
    for membership in memberships.order_by("id"):
        authors.setdefault(membership.organisation_id, membership.user)
    return authors


def ensure_suppliers(suppliers: list[tuple[str, str]]) -> dict[str, int]:
    """The supplier records for these names (and CVR numbers), created where missing; their
    ids by lower-case name (names are unique whatever their case). Lower-cased in Python:
    SQLite's LOWER() leaves Æ, Ø and Å alone."""

    def stored() -> dict[str, int]:
        return {name.lower(): pk for name, pk in Supplier.objects.values_list("name", "pk")}

    existing = stored()
    taken = set(Supplier.objects.exclude(cvr="").values_list("cvr", flat=True))
    wanted = {name.lower(): (name, cvr) for name, cvr in suppliers}
    Supplier.objects.bulk_create(
        [
            # A CVR number already on another record stays there.
            Supplier(name=name, cvr="" if cvr in taken else cvr)
            for key, (name, cvr) in wanted.items()
            if key not in existing
        ]
    )
    return stored()


@dataclass
class Planned:
    """A project about to be inserted, with everything under it."""

    project: Project
    timeline: Timeline
    participants: list[tuple[Organisation, str]]  # organisation, participation kind
    destination: Destination
    legal_questions: list[LegalQuestion] = field(default_factory=list)
    # Obligations still open when it went into operation, allowed by the agency.
    override: Override | None = None


def _insert(planned: list[Planned], supplier_ids: dict[str, int], *, today: date) -> None:
    """Insert projects and everything under them, parents first so that ids are known. The
    derived fields are set beforehand (see `settle`): bulk inserts send no signals. Then the
    catalogue gives the new projects their AI Act obligations, marked as far as each project
    has got (see `compliance.settle_obligations`)."""
    Project.objects.bulk_create([plan.project for plan in planned], batch_size=BATCH)
    Participation.objects.bulk_create(
        [
            Participation(project=plan.project, organisation=organisation, kind=kind)
            for plan in planned
            for organisation, kind in plan.participants
        ],
        batch_size=BATCH,
    )
    timelines = [plan.timeline for plan in planned]
    destinations = [plan.destination for plan in planned]
    for model, rows in [
        (Phase, [row for timeline in timelines for row in timeline.phases]),
        (StatusUpdate, [row for timeline in timelines for row in timeline.updates]),
        (Barrier, [row for timeline in timelines for row in timeline.barriers]),
        (Decision, [row for timeline in timelines for row in timeline.decisions]),
        (LessonLearned, [row for timeline in timelines for row in timeline.lessons]),
        (LegalQuestion, [row for plan in planned for row in plan.legal_questions]),
        (OperationDecision, [row for plan in destinations for row in plan.decisions]),
        (BenefitIndicator, [row for plan in destinations for row in plan.indicators]),
        (BenefitMeasurement, [row for plan in destinations for row in plan.measurements]),
        (Spending, [row for plan in destinations for row in plan.spending]),
    ]:
        model.objects.bulk_create(rows, batch_size=BATCH)
    # Bulk inserts send no signals: the projects, lessons and legal questions are indexed for
    # SQLite's Danish search here.
    search.index_records(
        [plan.project for plan in planned]
        + [row for timeline in timelines for row in timeline.lessons]
        + [row for plan in planned for row in plan.legal_questions]
    )
    Decision.barriers.through.objects.bulk_create(
        [
            Decision.barriers.through(decision_id=decision.pk, barrier_id=barrier.pk)
            for timeline in timelines
            for decision, barrier in timeline.decision_barriers
        ],
        batch_size=BATCH,
    )
    ProjectSupplier.objects.bulk_create(
        [
            ProjectSupplier(
                project=plan.project, supplier_id=supplier_ids[name.lower()], role=role, note=note
            )
            for plan in planned
            for name, role, note in plan.destination.suppliers
        ],
        batch_size=BATCH,
    )
    projects = [plan.project for plan in planned]
    apply_catalogue(Project.objects.filter(pk__in=[p.pk for p in projects]), history=False)
    settle_obligations(
        projects,
        today=today,
        overrides={plan.project.pk: plan.override for plan in planned if plan.override},
    )


def seed_real_projects(report: SeedReport, *, today: date) -> None:
    """The programme's real projects from the catalogue, each with its invented history and
    where it ended up."""
    organisations = {o.name: o for o in Organisation.objects.all()}
    rounds = {r.name: r for r in FundingRound.objects.all()}
    authors = _coordinators()
    agency_admin = (
        Membership.objects.filter(role=Role.ADMINISTRATOR, organisation__name=catalogue.AGENCY)
        .select_related("user")
        .order_by("id")
        .first()
    )
    agency_admin = agency_admin.user if agency_admin else None
    existing = set(Project.objects.values_list("title", "lead_organisation__name"))
    planned = []
    for spec in catalogue.PROJECTS:
        if (spec.title, spec.lead) in existing:
            continue
        lead = organisations[spec.lead]
        project = Project(
            title=spec.title,
            summary=spec.summary,
            lead_organisation=lead,
            funding_round=rounds[spec.round_name],
            area=spec.area,
            ai_technique=spec.technique,
            grant_dkk=spec.grant_dkk,
            total_budget_dkk=spec.budget_dkk,
            project_owner=f"Direktør, {lead.name}",
            contact_name=f"Projektleder, {lead.name}",
            start_date=spec.start,
            planned_end_date=spec.start + timedelta(days=3 * 365),
            outcome=spec.outcome,
            outcome_note=spec.outcome_note,
            closing_reason=spec.closing_reason,
            personal_data=spec.personal_data,
            legal_basis=spec.legal_basis,
            dpia_status=spec.dpia,
            ai_act_risk_class=spec.ai_act,
            ai_act_role=spec.ai_act_role,
            annex_iii_area=spec.annex_iii_area,
            medical_device=spec.medical_device,
            benefits_note=spec.benefits_note,
        )
        set_dpia(
            project,
            random.Random(f"{spec.title}-dpia"),
            today=today,
            approved_by=spec.dpia_approved_by,
        )
        rng = random.Random(spec.title)
        timeline = build_timeline(
            project,
            rng=rng,
            today=today,
            reached=PhaseKind(spec.reached),
            on_hold=spec.on_hold,
            update_count=max((today - spec.start).days // 61, 1),
            barriers=list(spec.barriers),
            lessons=list(spec.lessons),
            author=authors.get(lead.pk),
            help_text=spec.help_text,
        )
        destination = real_destination(
            spec,
            project,
            timeline,
            organisations=organisations,
            authors=authors,
            rng=rng,
            today=today,
        )
        settle(
            project,
            timeline,
            destination,
            adopter_ids={organisations[name].pk for name in spec.adopters},
        )
        participants = [
            (organisations[name], ParticipationKind.PARTNER) for name in spec.participants
        ]
        participants += [(organisations[name], ParticipationKind.ADOPTER) for name in spec.adopters]
        questions = legal_questions(
            project,
            list(spec.legal_questions),
            timeline.barriers,
            author=authors.get(lead.pk),
            today=today,
        )
        override = None
        if spec.go_live_override:
            override = Override(spec.open_at_go_live, spec.go_live_override)
            _record_override(timeline, override, allowed_by=agency_admin)
        planned.append(Planned(project, timeline, participants, destination, questions, override))
    supplier_ids = ensure_suppliers(list(catalogue.SUPPLIERS.items()))
    with transaction.atomic():
        _insert(planned, supplier_ids, today=today)
    report.projects += len(planned)


def _record_override(timeline: Timeline, override: Override, *, allowed_by) -> None:
    """The gate decision that took the project into operation records that the agency allowed
    it with obligations open."""
    for phase in timeline.phases:
        if phase.kind == PhaseKind.IMPLEMENTATION and phase.ended_on:
            phase.obligations_override_reason = override.reason
            phase.obligations_overridden_by = allowed_by


# Synthetic projects: distributions chosen to look like a national portfolio.
_REACHED_WEIGHTS = {
    PhaseKind.CLARIFICATION: 15,
    PhaseKind.DEVELOPMENT: 25,
    PhaseKind.TRIAL: 30,
    PhaseKind.IMPLEMENTATION: 12,
    PhaseKind.OPERATION: 12,
    PhaseKind.SCALING: 6,
}
_BARRIER_WEIGHTS = {
    BarrierCategory.LEGAL: 25,
    BarrierCategory.DATA: 25,
    BarrierCategory.REGULATION: 8,
    BarrierCategory.ETHICS: 8,
    BarrierCategory.TECHNOLOGY: 10,
    BarrierCategory.ORGANISATION: 10,
    BarrierCategory.ECONOMY: 6,
    BarrierCategory.SUPPLIERS: 6,
    BarrierCategory.OTHER: 2,
}
_BARRIER_ASPECTS = ["adgang", "afklaring", "kvalitet", "kapacitet"]
# What a synthetic project asks of the agency when it escalates a barrier.
_ESCALATION_REQUESTS = {
    BarrierCategory.LEGAL: "Vi beder styrelsen vurdere hjemmelsgrundlaget for drift.",
    BarrierCategory.REGULATION: "Vi beder styrelsen afklare, hvilke krav i AI-forordningen "
    "løsningen skal opfylde.",
    BarrierCategory.DATA: "Vi beder styrelsen hjælpe med adgang til data hos en anden myndighed.",
    BarrierCategory.ETHICS: "Vi beder styrelsen om sparring på den etiske vurdering og kontakt "
    "til projekter med samme problemstilling.",
    BarrierCategory.TECHNOLOGY: "Vi beder styrelsen formidle kontakt til kommuner, der har "
    "integreret med samme fagsystem.",
    BarrierCategory.ORGANISATION: "Vi beder styrelsen om erfaringer med, hvordan andre har "
    "bemandet driften.",
    BarrierCategory.ECONOMY: "Vi beder styrelsen hjælpe med at opgøre gevinsterne på tværs af "
    "kommuner.",
    BarrierCategory.SUPPLIERS: "Vi beder styrelsen tage leverandørens licensvilkår op i det "
    "fællesoffentlige samarbejde.",
    BarrierCategory.OTHER: "Vi beder styrelsen hjælpe med at finde den myndighed, der kan "
    "afklare spørgsmålet.",
}
_TITLES = {
    Area.HEALTH: [
        "Tidlig opsporing af forværring",
        "Billedanalyse i radiologien",
        "Prioritering af henvisninger",
        "Beslutningsstøtte i akutmodtagelsen",
    ],
    Area.EMPLOYMENT: ["Match mellem ledige og job", "Forudsigelse af langtidsledighed"],
    Area.SOCIAL: ["Tidlig indsats for udsatte borgere", "Støtte til sagsbehandling"],
    Area.CHILDREN: ["Opsporing af mistrivsel", "Screening af underretninger"],
    Area.ELDERLY: ["Ruteplanlægning i hjemmeplejen", "Faldforebyggelse med sensorer"],
    Area.CLIMATE: ["Energistyring i kommunale bygninger", "Optimering af affaldsindsamling"],
    Area.TECHNICAL: ["Hurtigere byggesagsbehandling", "Vedligehold af veje med billedanalyse"],
    Area.ADMINISTRATION: [
        "Journalisering af post",
        "Anonymisering ved aktindsigt",
        "Chatbot til borgerservice",
    ],
}


def _synthetic_specs(
    rng: random.Random, reached: PhaseKind, count: int, lesson_count: int
) -> tuple[list[DemoBarrier], list[DemoLesson]]:
    kinds = list(PhaseKind)[: list(PhaseKind).index(reached) + 1]
    barriers = []
    for _ in range(count):
        category = rng.choices(list(_BARRIER_WEIGHTS), weights=list(_BARRIER_WEIGHTS.values()))[0]
        early = category in (BarrierCategory.LEGAL, BarrierCategory.DATA)
        phase = kinds[0] if early and rng.random() < 0.6 else rng.choice(kinds)
        resolved = rng.random() < 0.5
        barriers.append(
            DemoBarrier(
                category=category,
                title=f"{BarrierCategory(category).label}: {rng.choice(_BARRIER_ASPECTS)}",
                description="Barrieren er beskrevet i projektets risikolog.",
                severity=rng.choice(list(Severity)),
                phase=phase,
                resolution="Løst i samarbejde med fagområdet." if resolved else "",
                escalation_request=_ESCALATION_REQUESTS[category]
                if not resolved and rng.random() < 0.1
                else "",
                accepted=not resolved and rng.random() < 0.1,
            )
        )
    lessons = [
        DemoLesson(
            category=rng.choice(list(LessonCategory)),
            title="Erfaring om "
            + rng.choice(["data", "jura", "forankring", "leverandører", "gevinster"]),
            what_happened="Det tog længere tid end ventet.",
            advice="Afsæt tid til det tidligt i projektet.",
            phase=rng.choice(kinds),
            shared=rng.random() < 0.4,
            from_barrier=rng.randrange(count) if count and rng.random() < 0.3 else None,
        )
        for _ in range(lesson_count)
    ]
    return barriers, lessons


def synthetic_title(seed: int, number: int, rng: random.Random, area: str) -> str:
    return f"{rng.choice(_TITLES[area])} ({SYNTHETIC_MARK} {seed}-{number:05d})"


def seed_synthetic(
    report: SeedReport,
    *,
    count: int,
    seed: int,
    today: date,
    progress: Callable[[int, int], None] = lambda done, total: None,
    chunk: int = 500,
) -> None:
    """`count` synthetic projects for `seed`; each comes from its own random stream, so the
    result is the same for the same seed and day, and a second run adds only missing ones."""
    partners = list(Organisation.objects.partners().order_by("pk"))
    rounds = list(FundingRound.objects.order_by("year"))
    authors = _coordinators()
    areas = list(Area)
    pool = synthetic_suppliers()
    supplier_ids = ensure_suppliers(pool)
    supplier_names = [name for name, _cvr in pool]
    for first in range(0, count, chunk):
        numbers = range(first, min(first + chunk, count))
        plans = []
        for number in numbers:
            rng = random.Random(f"{seed}-{number}")
            area = rng.choice(areas)
            plans.append((rng, area, synthetic_title(seed, number, rng, area)))
        existing = set(
            Project.objects.filter(title__in=[title for _rng, _area, title in plans]).values_list(
                "title", flat=True
            )
        )
        planned = []
        for rng, area, title in plans:
            if title in existing:
                continue
            planned.append(
                _synthetic_project(
                    rng,
                    area,
                    title,
                    partners=partners,
                    rounds=rounds,
                    authors=authors,
                    supplier_names=supplier_names,
                    today=today,
                )
            )
        with transaction.atomic():
            _insert(planned, supplier_ids, today=today)
        report.projects += len(planned)
        progress(numbers.stop, count)


def _synthetic_project(
    rng: random.Random,
    area: str,
    title: str,
    *,
    partners: list[Organisation],
    rounds: list[FundingRound],
    authors: dict,
    supplier_names: list[str],
    today: date,
) -> Planned:
    lead = rng.choice(partners)
    reached = rng.choices(list(_REACHED_WEIGHTS), weights=list(_REACHED_WEIGHTS.values()))[0]
    phases_reached = list(PhaseKind).index(reached) + 1
    start = today - timedelta(days=rng.randint(90 * phases_reached + 60, 2900))
    # The outcome follows from the decisions (see `settle`); only how a project that never
    # reached operation ended is chosen here.
    outcome, closing_reason, outcome_note = Outcome.ONGOING, "", ""
    piloting = reached not in (PhaseKind.OPERATION, PhaseKind.SCALING)
    if piloting and rng.random() < 0.3:
        outcome = rng.choice([Outcome.CLOSED, Outcome.CLOSED, Outcome.STOPPED])
        closing_reason = rng.choices(
            list(CLOSING_REASON_WEIGHTS), weights=list(CLOSING_REASON_WEIGHTS.values())
        )[0]
        outcome_note = CLOSING_NOTES[closing_reason]
    grant = rng.randrange(500_000, 8_000_000, 50_000)
    project = Project(
        title=title,
        summary="Syntetisk projekt til test af porteføljen i stor skala.",
        lead_organisation=lead,
        funding_round=rng.choice(rounds) if rounds and rng.random() < 0.7 else None,
        area=area,
        ai_technique=rng.choice(list(AITechnique)),
        grant_dkk=grant,
        total_budget_dkk=grant + rng.randrange(0, 4_000_000, 50_000),
        start_date=start,
        planned_end_date=start + timedelta(days=rng.randint(365, 1460)),
        outcome=outcome,
        outcome_note=outcome_note,
        closing_reason=closing_reason,
        personal_data=rng.choice(list(YesNoUnknown)),
        dpia_status=rng.choice(list(DPIAStatus)),
        medical_device=(rng.choice(list(YesNoUnknown)) if area == Area.HEALTH else YesNoUnknown.NO),
    )
    # Drawn from a stream of its own: the risk profile and the legal questions can change
    # without changing the rest of the project.
    compliance_rng = random.Random(f"{title}-compliance")
    synthetic_profile(project, compliance_rng, today=today)
    barrier_specs, lesson_specs = _synthetic_specs(
        rng, reached, rng.randint(3, 7), rng.randint(1, 5)
    )
    timeline = build_timeline(
        project,
        rng=rng,
        today=today,
        reached=reached,
        on_hold=piloting and outcome == Outcome.ONGOING and rng.random() < 0.05,
        update_count=rng.randint(20, 40),
        barriers=barrier_specs,
        lessons=lesson_specs,
        author=authors.get(lead.pk),
    )
    others = [o for o in partners if o.pk != lead.pk]
    partner_count = rng.choice([0, 0, 1, 2, 3])
    adopter_count = 0
    if reached == PhaseKind.SCALING:
        adopter_count = rng.randint(1, 3)
    elif reached == PhaseKind.OPERATION and rng.random() < 0.3:
        adopter_count = 1
    chosen = rng.sample(others, min(partner_count + adopter_count, len(others)))
    taking_part, adopting = chosen[:partner_count], chosen[partner_count:]
    destination = synthetic_destination(
        project,
        timeline,
        rng,
        partners=taking_part,
        adopters=adopting,
        authors=authors,
        suppliers=supplier_names,
        today=today,
    )
    settle(project, timeline, destination, adopter_ids={o.pk for o in adopting})
    participants = [(o, ParticipationKind.PARTNER) for o in taking_part]
    participants += [(o, ParticipationKind.ADOPTER) for o in adopting]
    questions = synthetic_legal_questions(
        project, timeline.barriers, compliance_rng, author=authors.get(lead.pk), today=today
    )
    return Planned(project, timeline, participants, destination, questions)


def database_is_empty() -> bool:
    return not Organisation.objects.filter(kind=OrganisationKind.AGENCY).exists()
