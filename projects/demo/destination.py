"""Builds where a project ends up, in memory for bulk insertion: each organisation's operation
decision, the benefit indicators with their baselines and measurements, the spending per
year and the suppliers. `settle` then sets the project's fields that follow from them, as
`refresh_derived` would, without a query per project."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from projects.models import (
    BenefitIndicator,
    BenefitKind,
    BenefitMeasurement,
    MeasurementFrequency,
    OperationDecision,
    OperationDecisionKind,
    Organisation,
    Outcome,
    PhaseKind,
    Project,
    Spending,
    StopReason,
    SupplierRole,
    consultant_share,
)

from .catalogue import DemoProject
from .timeline import STEERING_GROUP, Timeline

# What an hour costs, to turn the spending in kroner into hours.
EXTERNAL_RATE_DKK = 1_150
INTERNAL_RATE_DKK = 550
LOWEST_EXTERNAL_SHARE = 10  # per cent: some licences and support are always bought


@dataclass
class Destination:
    decisions: list[OperationDecision] = field(default_factory=list)
    indicators: list[BenefitIndicator] = field(default_factory=list)
    # Each measurement's `indicator` is one of `indicators`, inserted first.
    measurements: list[BenefitMeasurement] = field(default_factory=list)
    spending: list[Spending] = field(default_factory=list)
    suppliers: list[tuple[str, str, str]] = field(default_factory=list)  # name, role, note


def months_later(day: date, months: int) -> date:
    return day + timedelta(days=round(30.44 * months))


def go_live(timeline: Timeline) -> date:
    """When the project went into operation; for one that never did, when it was closed or
    (while it runs) when its current phase began."""
    for phase in timeline.phases:
        if phase.kind == PhaseKind.OPERATION:
            return phase.started_on
    last = timeline.phases[-1]
    return last.ended_on or last.started_on


def _last_active_day(timeline: Timeline, today: date) -> date:
    last = timeline.phases[-1]
    return last.ended_on if last.gate_decision and last.ended_on else today


def _decision(
    project: Project,
    organisation: Organisation,
    kind: str,
    *,
    decided_on: date | None,
    decided_by: str = "",
    reason_category: str = "",
    reason: str = "",
    expected_hours: int | None = None,
    expected_dkk: int | None = None,
    author=None,
) -> OperationDecision:
    undecided = kind == OperationDecisionKind.UNDECIDED
    needs_reason = kind in OperationDecisionKind.needing_reason()
    return OperationDecision(
        project=project,
        organisation=organisation,
        decision=kind,
        decided_on=None if undecided else decided_on,
        decided_by="" if undecided else decided_by,
        reason_category=reason_category if needs_reason else "",
        reason=reason if needs_reason else "",
        expected_hours_per_year=expected_hours,
        expected_dkk_per_year=expected_dkk,
        author=author,
    )


def _spending(
    project: Project,
    rng: random.Random,
    *,
    first_year: int,
    last_year: int,
    budget_dkk: int,
    first_external_share: int,
    in_house_roles: str,
    yearly_drop: int,
    note: str = "",
) -> list[Spending]:
    """The budget spread over the project's years. Once roles are built in-house (from the
    second year), the external consultants' share falls year by year."""
    years = list(range(first_year, last_year + 1))
    rows = []
    for position, year in enumerate(years):
        total = round(budget_dkk / len(years) * rng.uniform(0.7, 1.3), -4)
        built = bool(in_house_roles) and position >= 1
        share = first_external_share - (yearly_drop * position if built else 0)
        share = max(share + rng.randint(-4, 4), LOWEST_EXTERNAL_SHARE)
        external = int(round(total * min(share, 100) / 100, -3))
        internal = int(total - external)
        rows.append(
            Spending(
                project=project,
                year=year,
                external_dkk=external,
                external_hours=int(round(external / EXTERNAL_RATE_DKK, -1)),
                internal_dkk=internal,
                internal_hours=int(round(internal / INTERNAL_RATE_DKK, -1)),
                competence_built=built,
                competence_roles=in_house_roles if built else "",
                note=note if position == 0 else "",
            )
        )
    return rows


def _baseline_on(project: Project, adopter: bool, organisation_live: date, today: date) -> date:
    """Measured when the project began, or, for an organisation that joined to adopt the
    solution, a few months before it took it into use."""
    if adopter:
        day = organisation_live - timedelta(days=90)
    else:
        day = project.start_date + timedelta(days=60)
    return max(min(day, today), project.start_date)


def _target_on(project: Project, baseline_on: date, live_on: date) -> date:
    """A year after the project's planned end or the organisation's go-live, whichever is
    later, and at least two years after the baseline."""
    return max(
        project.planned_end_date + timedelta(days=365),
        live_on + timedelta(days=365),
        baseline_on + timedelta(days=730),
    )


def real_destination(
    spec: DemoProject,
    project: Project,
    timeline: Timeline,
    *,
    organisations: dict[str, Organisation],
    authors: dict,
    rng: random.Random,
    today: date,
) -> Destination:
    """The catalogue's decisions, indicators, spending and suppliers of a real project."""
    destination = Destination()
    anchor = go_live(timeline)
    live_on: dict[str, date] = {}
    for spec_decision in spec.decisions:
        organisation = organisations[spec_decision.organisation]
        decided_on = min(months_later(anchor, spec_decision.months_after), today)
        if spec_decision.decision == OperationDecisionKind.IN_OPERATION:
            live_on[spec_decision.organisation] = decided_on
        destination.decisions.append(
            _decision(
                project,
                organisation,
                spec_decision.decision,
                decided_on=decided_on,
                decided_by=spec_decision.decided_by or STEERING_GROUP,
                reason_category=spec_decision.reason_category,
                reason=spec_decision.reason,
                expected_hours=spec_decision.expected_hours,
                expected_dkk=spec_decision.expected_dkk,
                author=authors.get(organisation.pk),
            )
        )
    for spec_indicator in spec.indicators:
        name = spec_indicator.organisation or spec.lead
        organisation = organisations[name]
        measured_from = live_on.get(name, anchor)
        baseline_on = _baseline_on(project, name in spec.adopters, measured_from, today)
        indicator = BenefitIndicator(
            project=project,
            organisation=organisation,
            kind=spec_indicator.kind,
            title=spec_indicator.title,
            unit=spec_indicator.unit,
            baseline_value=spec_indicator.baseline,
            baseline_on=baseline_on,
            baseline_method=spec_indicator.baseline_method,
            target_value=spec_indicator.target,
            target_on=_target_on(project, baseline_on, measured_from),
            owner=spec_indicator.owner,
            frequency=spec_indicator.frequency,
        )
        destination.indicators.append(indicator)
        for spec_measurement in spec_indicator.measurements:
            measured_on = max(
                months_later(measured_from, spec_measurement.months_after), baseline_on
            )
            if measured_on > today:
                continue  # not measured yet on this day
            destination.measurements.append(
                BenefitMeasurement(
                    indicator=indicator,
                    project=project,
                    measured_on=measured_on,
                    value=spec_measurement.value,
                    method=spec_measurement.method,
                    evidence=spec_indicator.evidence,
                    entered_by=authors.get(organisation.pk),
                )
            )
    destination.spending = _spending(
        project,
        rng,
        first_year=spec.start.year,
        last_year=_last_active_day(timeline, today).year,
        budget_dkk=spec.budget_dkk,
        first_external_share=spec.spending.first_external_share,
        in_house_roles=spec.spending.in_house_roles,
        yearly_drop=spec.spending.yearly_drop,
        note=spec.spending.note,
    )
    destination.suppliers = list(spec.suppliers)
    return destination


def settle(
    project: Project, timeline: Timeline, destination: Destination, adopter_ids: set[int]
) -> None:
    """Set the fields that `refresh_derived` keeps, from the rows about to be inserted: the
    indicators' latest measurement, the project's outcome (it is in operation when an
    organisation runs the solution, scaled when an adopter does or in the scaling phase), its
    average benefit realisation and the external consultants' share of its spending."""
    latest: dict[int, BenefitMeasurement] = {}
    for measurement in destination.measurements:  # in insertion (id) order
        key = id(measurement.indicator)
        if key not in latest or measurement.measured_on >= latest[key].measured_on:
            latest[key] = measurement
    for indicator in destination.indicators:
        measurement = latest.get(id(indicator))
        indicator.latest_value = measurement.value if measurement else None
        indicator.latest_on = measurement.measured_on if measurement else None
    running = {
        decision.organisation_id
        for decision in destination.decisions
        if decision.decision == OperationDecisionKind.IN_OPERATION
    }
    project.outcome = Outcome.following(
        timeline.phases[-1] if timeline.phases else None,
        current=project.outcome,
        in_operation=bool(running),
        spread=bool(running & adopter_ids),
    )
    percents = [
        realisation.percent
        for realisation in (indicator.realisation for indicator in destination.indicators)
        if realisation.percent is not None
    ]
    project.realisation_percent = (
        (sum(percents) / len(percents)).quantize(Decimal("0.1")) if percents else None
    )
    project.consultant_share = consultant_share(
        sum(row.external_dkk for row in destination.spending),
        sum(row.internal_dkk for row in destination.spending),
    )


# Synthetic projects


CLOSING_REASON_WEIGHTS = {
    StopReason.NO_LEGAL_BASIS: 24,
    StopReason.DATA_PROTECTION: 14,
    StopReason.DATA: 20,
    StopReason.REGULATION: 8,
    StopReason.BUSINESS_CASE: 14,
    StopReason.SUPPLIER: 5,
    StopReason.CAPACITY: 8,
    StopReason.INTEGRATION: 5,
    StopReason.OTHER: 2,
}
CLOSING_NOTES = {
    StopReason.NO_LEGAL_BASIS: "Afsluttet uden drift: der er ikke hjemmel til at bruge løsningen.",
    StopReason.DATA_PROTECTION: "Afsluttet uden drift: konsekvensanalysen viste for høj risiko.",
    StopReason.DATA: "Afsluttet uden drift: data var ikke gode nok til en pålidelig model.",
    StopReason.REGULATION: "Afsluttet uden drift: kravene til medicinsk udstyr kunne ikke løftes.",
    StopReason.BUSINESS_CASE: "Afsluttet uden drift: gevinsten stod ikke mål med driftsudgiften.",
    StopReason.SUPPLIER: "Afsluttet uden drift: leverandøren kunne ikke levere en driftsaftale.",
    StopReason.CAPACITY: "Afsluttet uden drift: organisationen manglede kompetencer til drift.",
    StopReason.INTEGRATION: "Afsluttet uden drift: integrationen til fagsystemet lykkedes ikke.",
    StopReason.OTHER: "Afsluttet uden drift efter styregruppens samlede vurdering.",
}
REASON_TEXTS = {
    StopReason.NO_LEGAL_BASIS: [
        "Juristerne vurderer, at der ikke er hjemmel til at bruge modellen i sagsbehandlingen.",
        "Vi afventer en lovændring, der giver hjemmel til drift.",
    ],
    StopReason.DATA_PROTECTION: [
        "Konsekvensanalysen viste en for høj risiko for borgernes rettigheder.",
        "Databehandleraftalen kunne ikke komme på plads inden for rammerne af GDPR.",
    ],
    StopReason.DATA: [
        "Vores data er ikke gode nok til, at modellen rammer rigtigt.",
        "Vi kan ikke få løbende adgang til de data, modellen skal bruge.",
    ],
    StopReason.REGULATION: [
        "Løsningen skal CE-mærkes som medicinsk udstyr, før den kan bruges.",
        "Kravene til højrisikosystemer i AI-forordningen kan vi ikke løfte endnu.",
    ],
    StopReason.BUSINESS_CASE: [
        "Gevinsten er for lille i en organisation af vores størrelse.",
        "Driftsudgiften overstiger de frigjorte timer.",
    ],
    StopReason.SUPPLIER: [
        "Vi afventer et nyt udbud af fagsystemet.",
        "Leverandørens licensvilkår passer ikke til vores drift.",
    ],
    StopReason.CAPACITY: [
        "Vi har ikke medarbejdere til at drive og vedligeholde løsningen.",
        "Afdelingen er midt i en omorganisering; vi tager stilling igen næste år.",
    ],
    StopReason.INTEGRATION: [
        "Løsningen kan ikke integreres med vores ESDH-system.",
        "Vores fagsystem skal opgraderes, før løsningen kan kobles på.",
    ],
    StopReason.OTHER: ["Styregruppen har prioriteret andre projekter."],
}
DECIDED_BY = ["Direktionen", "Økonomiudvalget", "Styregruppen", "Fagudvalget"]
OWNERS = [
    "Afdelingsleder, Borgerservice",
    "Centerchef, Sundhed og Omsorg",
    "Jobcenterchef",
    "Driftschef, Teknik og Miljø",
    "Leder af visitationen",
    "Digitaliseringschef",
    "Klinikchef",
    "Afsnitsleder, Børn og Familie",
]
ROLES = [
    "Datavidenskabsmand",
    "Produktejer",
    "Dataanalytiker, produktejer",
    "Jurist med AI-kompetencer",
    "Datavidenskabsmand, driftsansvarlig",
]
TIME_STUDY = "Tidsregistrering i fire uger, opregnet til et helt år."
# kind, title, unit, baseline range, target as a share of the baseline, baseline method
INDICATOR_TEMPLATES = [
    (BenefitKind.HOURS, "Timer brugt på opgaven", "", (1_000, 20_000), (0.4, 0.8), TIME_STUDY),
    (
        BenefitKind.DKK,
        "Udgifter til opgaven",
        "kr. om året",
        (500_000, 10_000_000),
        (0.7, 0.95),
        "Regnskab for året før projektet.",
    ),
    (
        BenefitKind.QUALITY,
        "Andel sager afgjort korrekt første gang",
        "%",
        (50, 85),
        (1.1, 1.3),
        "Stikprøve på 200 sager.",
    ),
    (
        BenefitKind.CITIZEN,
        "Gennemsnitlig svartid til borgeren",
        "dage",
        (5, 40),
        (0.4, 0.8),
        "Udtræk fra fagsystemet.",
    ),
]
SYNTHETIC_SUPPLIER_COUNT = 40
_SUPPLIER_STEMS = ["Data", "Algoritme", "Analyse", "Sprog", "Vision", "Drift", "Kode", "Model"]
_SUPPLIER_PLACES = ["Nord", "Syd", "Øst", "Vest", "Fyn", "Jylland", "Sjælland", "Bornholm"]
SUPPLIER_ROLE_WEIGHTS = {
    SupplierRole.DEVELOPMENT: 35,
    SupplierRole.CONSULTING: 25,
    SupplierRole.LEGAL: 10,
    SupplierRole.LICENCE: 15,
    SupplierRole.OPERATION: 10,
    SupplierRole.OTHER: 5,
}


def synthetic_suppliers() -> list[tuple[str, str]]:
    """Name and CVR of the synthetic suppliers. The CVR numbers begin with 0, which no real
    one does."""
    names = [f"{stem}{place} ApS" for place in _SUPPLIER_PLACES for stem in _SUPPLIER_STEMS]
    return [
        (name, f"{1000 + number:08d}" if number % 3 else "")
        for number, name in enumerate(names[:SYNTHETIC_SUPPLIER_COUNT])
    ]


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _reasoned(rng: random.Random, category: str | None = None) -> tuple[str, str]:
    category = category or _pick(rng, CLOSING_REASON_WEIGHTS)
    return category, rng.choice(REASON_TEXTS[category])


def _synthetic_indicator(
    project: Project,
    organisation: Organisation,
    rng: random.Random,
    *,
    baseline_on: date,
    live_on: date,
) -> BenefitIndicator:
    kind, title, unit, (low, high), (least, most), method = rng.choice(INDICATOR_TEMPLATES)
    baseline = Decimal(rng.randrange(low, high))
    target = (baseline * Decimal(str(round(rng.uniform(least, most), 2)))).quantize(Decimal(1))
    if kind == BenefitKind.QUALITY:
        target = min(target, Decimal(99))
    return BenefitIndicator(
        project=project,
        organisation=organisation,
        kind=kind,
        title=title,
        unit=unit,
        baseline_value=baseline,
        baseline_on=baseline_on,
        baseline_method=method,
        target_value=target,
        target_on=_target_on(project, baseline_on, live_on),
        owner=rng.choice(OWNERS),
        frequency=MeasurementFrequency.HALF_YEARLY,
    )


def _synthetic_measurements(
    indicator: BenefitIndicator,
    rng: random.Random,
    *,
    first_on: date,
    count: int,
    today: date,
    entered_by,
) -> list[BenefitMeasurement]:
    """Up to `count` half-yearly measurements from `first_on`, heading for the share of the
    planned change that this indicator will reach (sometimes beyond it, sometimes away)."""
    reach = rng.choice([rng.uniform(-0.3, -0.05)] + [rng.uniform(0.2, 1.2)] * 9)
    change = indicator.target_value - indicator.baseline_value
    rows = []
    for number in range(1, count + 1):
        measured_on = max(months_later(first_on, 6 * (number - 1)), indicator.baseline_on)
        if measured_on > today:
            break
        value = indicator.baseline_value + change * Decimal(str(round(reach * number / count, 3)))
        rows.append(
            BenefitMeasurement(
                indicator=indicator,
                project=indicator.project,
                measured_on=measured_on,
                value=value.quantize(Decimal(1)),
                method=indicator.baseline_method,
                entered_by=entered_by,
            )
        )
    return rows


def synthetic_destination(
    project: Project,
    timeline: Timeline,
    rng: random.Random,
    *,
    partners: list[Organisation],
    adopters: list[Organisation],
    authors: dict,
    suppliers: list[str],
    today: date,
) -> Destination:
    """Decisions consistent with how far the project got: the lead runs what reached
    operation, says no or not yet to what was closed; partners and adopters decide each for
    themselves. A few indicators with a baseline, measured where the solution runs."""
    destination = Destination()
    anchor = go_live(timeline)
    reached = PhaseKind(timeline.phases[-1].kind)
    closed = project.outcome in Outcome.closed_values()
    in_operation = reached in (PhaseKind.OPERATION, PhaseKind.SCALING)
    decided_by = timeline.phases[-1].decided_by or rng.choice(DECIDED_BY)
    lead = project.lead_organisation
    live_on: dict[int, date] = {}

    def decide(organisation, kind, decided_on, category=None):
        reason_category, reason = (
            _reasoned(rng, category)
            if kind
            in (
                OperationDecisionKind.NOT_TO,
                OperationDecisionKind.POSTPONED,
            )
            else ("", "")
        )
        decided_on = min(decided_on, today)
        if kind == OperationDecisionKind.IN_OPERATION:
            live_on[organisation.pk] = decided_on
        destination.decisions.append(
            _decision(
                project,
                organisation,
                kind,
                decided_on=decided_on,
                decided_by=decided_by if organisation is lead else rng.choice(DECIDED_BY),
                reason_category=reason_category,
                reason=reason,
                expected_hours=rng.randrange(500, 10_000, 100) if rng.random() < 0.5 else None,
                author=authors.get(organisation.pk),
            )
        )

    if in_operation:
        decide(lead, OperationDecisionKind.IN_OPERATION, anchor)
    elif closed:
        kind = rng.choice([OperationDecisionKind.NOT_TO] * 3 + [OperationDecisionKind.POSTPONED])
        decide(lead, kind, anchor, category=project.closing_reason)
    elif reached in (PhaseKind.TRIAL, PhaseKind.IMPLEMENTATION) and rng.random() < 0.4:
        kind = rng.choice([OperationDecisionKind.UNDECIDED, OperationDecisionKind.POSTPONED])
        decide(lead, kind, months_later(anchor, rng.randint(1, 6)))
    for partner in partners:
        if in_operation:
            kind = _pick(
                rng,
                {
                    OperationDecisionKind.IN_OPERATION: 40,
                    OperationDecisionKind.NOT_TO: 25,
                    OperationDecisionKind.POSTPONED: 20,
                    OperationDecisionKind.UNDECIDED: 15,
                },
            )
        elif closed:
            kind = rng.choice([OperationDecisionKind.NOT_TO, OperationDecisionKind.POSTPONED])
        elif rng.random() < 0.3:
            kind = OperationDecisionKind.UNDECIDED
        else:
            continue
        decide(partner, kind, months_later(anchor, rng.randint(0, 8)))
    for adopter in adopters:
        kind = _pick(
            rng,
            {
                OperationDecisionKind.IN_OPERATION: 70,
                OperationDecisionKind.POSTPONED: 20,
                OperationDecisionKind.UNDECIDED: 10,
            },
        )
        decide(adopter, kind, months_later(anchor, rng.randint(3, 30)))

    adopter_ids = {adopter.pk for adopter in adopters}
    measured = [lead] + [
        organisation
        for organisation in [*partners, *adopters]
        if organisation.pk in live_on and rng.random() < 0.5
    ]
    indicator_count = rng.randint(1, 3) if reached != PhaseKind.CLARIFICATION else rng.randint(0, 1)
    for number, organisation in enumerate(measured):
        for _ in range(indicator_count if number == 0 else 1):
            measured_from = live_on.get(organisation.pk, anchor)
            baseline_on = _baseline_on(
                project, organisation.pk in adopter_ids, measured_from, today
            )
            indicator = _synthetic_indicator(
                project, organisation, rng, baseline_on=baseline_on, live_on=measured_from
            )
            destination.indicators.append(indicator)
            if organisation.pk in live_on:
                count = rng.randint(1, 4)
            elif reached in (PhaseKind.TRIAL, PhaseKind.IMPLEMENTATION) and rng.random() < 0.3:
                count = 1  # measured during the trial
            else:
                count = 0
            destination.measurements += _synthetic_measurements(
                indicator,
                rng,
                first_on=months_later(measured_from, rng.randint(3, 6)),
                count=count,
                today=today,
                entered_by=authors.get(organisation.pk),
            )

    built = rng.random() < 0.5
    destination.spending = _spending(
        project,
        rng,
        first_year=project.start_date.year,
        last_year=_last_active_day(timeline, today).year,
        budget_dkk=project.total_budget_dkk,
        first_external_share=rng.randint(40, 90),
        in_house_roles=rng.choice(ROLES) if built else "",
        yearly_drop=rng.randint(5, 20),
    )
    roles_taken = set()
    for supplier in rng.sample(suppliers, rng.choice([0, 1, 1, 2, 2, 3])):
        role = _pick(rng, SUPPLIER_ROLE_WEIGHTS)
        if (supplier, role) not in roles_taken:
            roles_taken.add((supplier, role))
            destination.suppliers.append((supplier, role, ""))
    return destination
