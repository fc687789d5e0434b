"""The demo data set: the programme's real organisations, rounds and projects.

Owner, area and round are public facts; phases, statuses, barriers and lessons are invented
to show how the application is used.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from projects.models import (
    AIActRiskClass,
    AIActRole,
    AITechnique,
    AnnexIIIArea,
    Area,
    BarrierCategory,
    BenefitKind,
    DPIAStatus,
    LegalAddressee,
    LegalArea,
    LessonCategory,
    MeasurementFrequency,
    OperationDecisionKind,
    OrganisationKind,
    Outcome,
    PhaseKind,
    Role,
    Severity,
    StopReason,
    SupplierRole,
    YesNoUnknown,
)

AGENCY = "Digitaliseringsstyrelsen"

ORGANISATIONS: list[tuple[str, str, str]] = [
    (AGENCY, OrganisationKind.AGENCY, ""),
    ("Norddjurs Kommune", OrganisationKind.MUNICIPALITY, "707"),
    ("Syddjurs Kommune", OrganisationKind.MUNICIPALITY, "706"),
    ("Odense Kommune", OrganisationKind.MUNICIPALITY, "461"),
    ("Københavns Kommune", OrganisationKind.MUNICIPALITY, "101"),
    ("Frederiksberg Kommune", OrganisationKind.MUNICIPALITY, "147"),
    ("Aalborg Kommune", OrganisationKind.MUNICIPALITY, "851"),
    ("Aarhus Kommune", OrganisationKind.MUNICIPALITY, "751"),
    ("Sønderborg Kommune", OrganisationKind.MUNICIPALITY, "540"),
    ("Slagelse Kommune", OrganisationKind.MUNICIPALITY, "330"),
    ("Favrskov Kommune", OrganisationKind.MUNICIPALITY, "710"),
    ("Vejen Kommune", OrganisationKind.MUNICIPALITY, "575"),
    ("Fredensborg Kommune", OrganisationKind.MUNICIPALITY, "210"),
    ("Region Hovedstaden", OrganisationKind.REGION, "1084"),
    ("Region Sjælland", OrganisationKind.REGION, "1085"),
    ("Region Syddanmark", OrganisationKind.REGION, "1083"),
    ("Region Midtjylland", OrganisationKind.REGION, "1082"),
    ("Region Nordjylland", OrganisationKind.REGION, "1081"),
]

# The CVR number by which sign-in through an identity provider finds the organisation
# (plausible 8-digit numbers for the demo).
CVR: dict[str, str] = {
    AGENCY: "34051178",
    "Norddjurs Kommune": "29189714",
    "Syddjurs Kommune": "29189730",
    "Odense Kommune": "35209115",
    "Københavns Kommune": "64942212",
    "Frederiksberg Kommune": "11259979",
    "Aalborg Kommune": "29189420",
    "Aarhus Kommune": "55133018",
    "Sønderborg Kommune": "29189684",
    "Slagelse Kommune": "29188548",
    "Favrskov Kommune": "29189803",
    "Vejen Kommune": "29189641",
    "Fredensborg Kommune": "29188831",
    "Region Hovedstaden": "29190623",
    "Region Sjælland": "29190658",
    "Region Syddanmark": "29190941",
    "Region Midtjylland": "29190925",
    "Region Nordjylland": "29190976",
}

# name, year, pool in DKK
FUNDING_ROUNDS: list[tuple[str, int, int]] = [
    ("Runde 1 – ØA2020", 2020, 67_000_000),
    ("Runde 2 – ØA2021", 2021, 60_000_000),
    ("Runde 3 – ØA2022", 2022, 60_000_000),
]

DEMO_PASSWORD = "signatur-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    organisation: str
    role: str
    superuser: bool = False


DEMO_USERS: list[DemoUser] = [
    DemoUser("ds-admin", "Anne", "Administrator", AGENCY, Role.ADMINISTRATOR, superuser=True),
    DemoUser("ds-reviewer", "Rasmus", "Reviewer", AGENCY, Role.REVIEWER),
    DemoUser("norddjurs-koordinator", "Karen", "Kristensen", "Norddjurs Kommune", Role.COORDINATOR),
    DemoUser("norddjurs-laeser", "Lars", "Larsen", "Norddjurs Kommune", Role.VIEWER),
    DemoUser("aalborg-koordinator", "Mette", "Madsen", "Aalborg Kommune", Role.COORDINATOR),
    DemoUser("aalborg-laeser", "Niels", "Nielsen", "Aalborg Kommune", Role.VIEWER),
    DemoUser("syddjurs-koordinator", "Sofie", "Sørensen", "Syddjurs Kommune", Role.COORDINATOR),
    DemoUser("kbh-koordinator", "Jonas", "Jensen", "Københavns Kommune", Role.COORDINATOR),
    DemoUser("regionh-koordinator", "Helle", "Hansen", "Region Hovedstaden", Role.COORDINATOR),
]


@dataclass(frozen=True)
class DemoBarrier:
    category: str
    title: str
    description: str
    severity: str
    phase: str
    resolution: str = ""  # resolved when given
    escalation_request: str = ""  # escalated to the agency, asking this, when given
    accepted: bool = False

    @property
    def escalated(self) -> bool:
        return bool(self.escalation_request)


@dataclass(frozen=True)
class DemoLesson:
    category: str
    title: str
    what_happened: str
    advice: str
    phase: str
    shared: bool = True
    from_barrier: int | None = None  # index into the project's barriers


@dataclass(frozen=True)
class DemoDecision:
    """An organisation's operation decision. It is dated `months_after` the project went into
    operation (or, for a project that never did, after it closed or its last phase began)."""

    organisation: str
    decision: str
    reason_category: str = ""
    reason: str = ""
    decided_by: str = ""
    months_after: int = 0
    expected_hours: int | None = None
    expected_dkk: int | None = None


@dataclass(frozen=True)
class DemoMeasurement:
    months_after: int  # after the organisation's go-live (or the last phase's start)
    value: Decimal
    method: str = ""


@dataclass(frozen=True)
class DemoIndicator:
    kind: str
    title: str
    baseline: Decimal
    baseline_method: str
    target: Decimal | None
    owner: str
    organisation: str = ""  # the lead when empty
    unit: str = ""
    frequency: str = MeasurementFrequency.HALF_YEARLY
    measurements: tuple[DemoMeasurement, ...] = ()
    evidence: str = ""


@dataclass(frozen=True)
class DemoSpending:
    """How a project's budget was spent year by year: the external consultants' share of the
    first year, falling each year once `in_house_roles` are built (from the second year)."""

    first_external_share: int  # per cent
    in_house_roles: str = ""
    yearly_drop: int = 15  # percentage points a year once competence is built in-house
    note: str = ""


@dataclass(frozen=True)
class DemoLegalQuestion:
    """A legal question the project put, `months_after` it started (or a fortnight after the
    barrier it came from was identified), with the answer `answered_after_days` later when
    one is given."""

    question: str
    legal_area: str
    asked_to: str
    months_after: int = 6
    answer: str = ""
    answer_source: str = ""
    answered_after_days: int = 60
    shared: bool = False
    from_barrier: int | None = None  # index into the project's barriers
    withdrawn: bool = False


@dataclass(frozen=True)
class DemoProject:
    title: str
    lead: str
    area: str
    round_name: str
    technique: str
    summary: str
    start: date
    reached: str  # the last phase the project reached
    outcome: str = Outcome.ONGOING
    outcome_note: str = ""
    participants: tuple[str, ...] = ()
    grant_dkk: int = 4_000_000
    budget_dkk: int = 6_000_000
    personal_data: str = YesNoUnknown.YES
    legal_basis: str = ""
    dpia: str = DPIAStatus.IN_PROGRESS
    ai_act: str = AIActRiskClass.NOT_ASSESSED
    ai_act_role: str = AIActRole.DEPLOYER
    annex_iii_area: str = AnnexIIIArea.NONE
    dpia_approved_by: str = ""  # with a completed DPIA: who approved it
    medical_device: str = YesNoUnknown.NO
    closing_reason: str = ""  # required when the outcome is closed or stopped
    adopters: tuple[str, ...] = ()  # organisations that joined to adopt the solution
    decisions: tuple[DemoDecision, ...] = ()
    indicators: tuple[DemoIndicator, ...] = ()
    spending: DemoSpending = DemoSpending(60)
    suppliers: tuple[tuple[str, str, str], ...] = ()  # supplier name, role, what they did
    benefits_note: str = ""
    on_hold: bool = False
    barriers: tuple[DemoBarrier, ...] = ()
    lessons: tuple[DemoLesson, ...] = ()
    help_text: str = ""
    extra_decisions: tuple[tuple[str, str, str], ...] = field(default=())  # kind, title, text
    legal_questions: tuple[DemoLegalQuestion, ...] = ()
    # AI Act obligations (codes) still open when the project went into operation, allowed by
    # the agency for the reason given.
    open_at_go_live: tuple[str, ...] = ()
    go_live_override: str = ""


R1, R2, R3 = (name for name, _year, _pool in FUNDING_ROUNDS)

GDPR_BASIS = DemoBarrier(
    BarrierCategory.LEGAL,
    "Uklart retsgrundlag for drift",
    "Datatilsynet vurderer, at udvikling af modellen er lovlig, men at drift med "
    "borgernes personoplysninger kræver et klarere hjemmelsgrundlag.",
    Severity.CRITICAL,
    PhaseKind.TRIAL,
    escalation_request="Vi beder styrelsen vurdere, om der er hjemmel til at bruge modellen i "
    "drift, og i givet fald rejse spørgsmålet over for det ansvarlige ministerium, så andre "
    "projekter på området får samme svar.",
)
DATA_ACCESS = DemoBarrier(
    BarrierCategory.DATA,
    "Adgang til historiske sagsdata",
    "Data ligger i fagsystemet hos leverandøren og kan ikke trækkes ud i et format, "
    "modellen kan trænes på.",
    Severity.HIGH,
    PhaseKind.CLARIFICATION,
    resolution="Aftale med leverandøren om et månedligt udtræk via API.",
)
FREE_TEXT = DemoBarrier(
    BarrierCategory.DATA,
    "Fritekstfelter af svingende kvalitet",
    "Vigtige oplysninger står i fritekst med forkortelser og stavefejl.",
    Severity.MEDIUM,
    PhaseKind.DEVELOPMENT,
    resolution="Sprogmodellen er finjusteret på 5.000 manuelt annoterede sager.",
)
MDR_QUESTION = DemoBarrier(
    BarrierCategory.REGULATION,
    "Er løsningen medicinsk udstyr (MDR)?",
    "Prædiktionen bruges i klinisk beslutningsstøtte; det er uklart, om den skal CE-mærkes "
    "som medicinsk udstyr.",
    Severity.HIGH,
    PhaseKind.DEVELOPMENT,
    escalation_request="Vi beder styrelsen formidle kontakt til Lægemiddelstyrelsen og dele, "
    "hvordan andre regioner har klassificeret lignende beslutningsstøtte efter MDR.",
)
ETHICS_PROFILING = DemoBarrier(
    BarrierCategory.ETHICS,
    "Risiko for profilering af borgere",
    "Modellen kan opfattes som profilering, og der er risiko for skævhed over for "
    "bestemte grupper.",
    Severity.HIGH,
    PhaseKind.CLARIFICATION,
)
LEGAL_WORKLOAD = DemoBarrier(
    BarrierCategory.ORGANISATION,
    "Juridisk arbejde undervurderet",
    "Konsekvensanalyse og hjemmelsvurdering tog tre gange så lang tid som planlagt.",
    Severity.MEDIUM,
    PhaseKind.CLARIFICATION,
    resolution="Jurist tilknyttet projektet to dage om ugen.",
)
SUPPLIER_LOCKIN = DemoBarrier(
    BarrierCategory.SUPPLIERS,
    "Afhængighed af ekstern konsulent",
    "Kun konsulenthuset kender modellen; viden skal overdrages før drift.",
    Severity.MEDIUM,
    PhaseKind.IMPLEMENTATION,
)
INTEGRATION = DemoBarrier(
    BarrierCategory.TECHNOLOGY,
    "Integration til fagsystem",
    "Løsningen skal integreres med ESDH-systemet, og leverandørens snitflade er ikke klar.",
    Severity.MEDIUM,
    PhaseKind.IMPLEMENTATION,
    resolution="Integration via leverandørens nye REST-snitflade fra version 8.2.",
)
BUSINESS_CASE = DemoBarrier(
    BarrierCategory.ECONOMY,
    "Business case holder ikke uden flere kommuner",
    "Driftsudgiften er for høj for én kommune alene.",
    Severity.HIGH,
    PhaseKind.TRIAL,
    accepted=True,
)

LESSON_LEGAL_EARLY = DemoLesson(
    LessonCategory.LEGAL,
    "Afklar hjemmel til drift, ikke kun til udvikling",
    "Vi fik lov til at udvikle modellen, men manglede hjemmel til at bruge den i drift.",
    "Spørg juristen om både udvikling og drift i afklaringsfasen, regn ikke med borgernes "
    "samtykke som grundlag, og inddrag Datatilsynet tidligt.",
    PhaseKind.CLARIFICATION,
    from_barrier=0,
)
LESSON_DATA_EXTRACT = DemoLesson(
    LessonCategory.DATA,
    "Aftal dataudtræk med leverandøren før projektstart",
    "Det tog fem måneder at få et brugbart udtræk fra fagsystemet, og datakvaliteten var "
    "ringere, end leverandøren havde lovet.",
    "Skriv dataudtræk ind i kontrakten, og test et udtræk i afklaringsfasen.",
    PhaseKind.CLARIFICATION,
)
LESSON_JOURNAL = DemoLesson(
    LessonCategory.PROCESS,
    "Start med én postkasse ved journalisering",
    "Automatisk journalisering af mails virkede bedst, da vi begyndte med én fælles postkasse.",
    "Vælg en afgrænset postkasse til afprøvningen, og mål tidsforbruget før og efter.",
    PhaseKind.TRIAL,
)
LESSON_MDR = DemoLesson(
    LessonCategory.REGULATION,
    "MDR-vurdering hører til i afklaringsfasen",
    "Spørgsmålet om medicinsk udstyr kom først under udviklingen og forsinkede projektet.",
    "Lav en MDR-screening med regionens kvalitetsafdeling, før modellen udvikles.",
    PhaseKind.DEVELOPMENT,
)
LESSON_TEAM = DemoLesson(
    LessonCategory.ORGANISATION,
    "Byg det interne team før konsulenterne går",
    "Efter konsulenternes exit kunne ingen i forvaltningen vedligeholde modellen.",
    "Sæt en intern dataansvarlig på fra dag ét, og planlæg overdragelsen.",
    PhaseKind.IMPLEMENTATION,
    shared=False,
)
LESSON_ETHICS = DemoLesson(
    LessonCategory.ETHICS,
    "Inddrag borgere og medarbejdere i etikken",
    "En etisk vurdering alene på ledelsesniveau gav modstand blandt sagsbehandlerne.",
    "Nedsæt et etisk panel med sagsbehandlere og borgerrepræsentanter.",
    PhaseKind.CLARIFICATION,
)

# Fictitious suppliers. Real CVR numbers never begin with 0, so these belong to no one.
SUPPLIERS: dict[str, str] = {
    "Nordlys Data ApS": "00000101",
    "Kodehuset Aarhus A/S": "00000102",
    "Jurahjørnet Advokatpartnerselskab": "00000103",
    "Fællesdrift IT A/S": "00000104",
    "Sprogteknologi Syd ApS": "00000105",
    "Flådeanalyse Danmark ApS": "00000106",
    "Ruteplan Nord ApS": "",
    "Klimastyring ApS": "",
    "Patologi Vision ApS": "00000107",
    "Klinisk AI Konsulenterne I/S": "",
    "Gevinstrådgiverne ApS": "00000108",
}

M = DemoMeasurement
STEERING = "Styregruppen"
TIME_STUDY = "Tidsregistrering i fire uger, opregnet til et helt år."
SYSTEM_EXTRACT = "Udtræk fra fagsystemet for de seneste tolv måneder."

# Legal questions the projects put, and the answers they got.
NOTIFICATION_QUESTIONS = (
    DemoLegalQuestion(
        "Hvilket behandlingsgrundlag kan kommunen bruge, når en prædiktiv model skal støtte "
        "vurderingen af underretninger i drift? Rækker reglerne om udvikling og afprøvning "
        "ud over pilotforsøget?",
        LegalArea.GDPR,
        LegalAddressee.DATATILSYNET,
        answer="Datatilsynet vurderer, at udvikling og afprøvning af modellen kan ske på det "
        "behandlingsgrundlag, kommunen har brugt i pilotforsøget, men at brug i drift er en ny "
        "behandling. Drift kræver et klart og præcist behandlingsgrundlag i national ret, der "
        "forudser profileringen af borgerne (databeskyttelsesforordningens art. 6, stk. 1, "
        "litra e, og stk. 3). Samtykke kan ikke bruges, da borgeren ikke frit kan sige nej, når "
        "kommunen vurderer en underretning. Serviceloven giver ikke i sig selv et sådant "
        "grundlag; kommunen bør afklare hjemlen med ministeriet, før modellen tages i brug.",
        answer_source="Svar fra Datatilsynet, j.nr. 2023-431-0101",
        answered_after_days=120,
        shared=True,
        from_barrier=0,
    ),
    DemoLegalQuestion(
        "Skal konsekvensanalysen vedrørende grundlæggende rettigheder (AI-forordningens art. "
        "27) laves for hver afdeling, der bruger modellen, eller kan én analyse dække hele "
        "kommunen?",
        LegalArea.AI_ACT,
        LegalAddressee.AGENCY,
        months_after=66,
    ),
)
SMARTMAIL_QUESTIONS = (
    DemoLegalQuestion(
        "Kan andre kommuner tage løsningen i brug på Norddjurs Kommunes kontrakt med "
        "leverandøren, eller kræver det et nyt udbud?",
        LegalArea.PROCUREMENT,
        LegalAddressee.KL,
        months_after=14,
        answer="KL vurderer, at kontrakten ikke kan udvides til andre kommuner uden et nyt "
        "udbud, medmindre de var nævnt som mulige ordregivere i det oprindelige udbud. Den "
        "enkleste vej er et fælles udbud af en rammeaftale, som flere kommuner kan tilslutte "
        "sig, eller et samarbejde mellem ordregivere efter udbudslovens regler om offentligt "
        "samarbejde.",
        answer_source="Svar fra KL's udbudsjurister, mail",
        answered_after_days=30,
        shared=True,
    ),
)
AIR_QUESTIONS = (
    DemoLegalQuestion(
        "Er et system, der forudsiger, hvilke ældre borgere der har gavn af et "
        "rehabiliteringsforløb, et højrisikosystem efter AI-forordningens bilag III?",
        LegalArea.AI_ACT,
        LegalAddressee.AGENCY,
        months_after=26,
        answer="Digitaliseringsstyrelsen vurderer, at systemet hører under bilag III, punkt 5, "
        "litra a, når kommunen bruger det til at vurdere borgeres adgang til offentlige "
        "ydelser og tjenester, herunder hvem der tilbydes et rehabiliteringsforløb. Kommunen "
        "er idriftsætter af et højrisikosystem og skal opfylde art. 26, lave en "
        "konsekvensanalyse vedrørende grundlæggende rettigheder (art. 27) og registrere "
        "brugen i EU-databasen (art. 49, stk. 3).",
        answer_source="Digitaliseringsstyrelsen, svar på henvendelse",
        answered_after_days=45,
        shared=True,
    ),
)
SANCTION_QUESTIONS = (
    DemoLegalQuestion(
        "Kan en afgørelse om sanktion over for en ledig træffes på grundlag af en models "
        "forudsigelse, og hvordan opfylder jobcentret begrundelseskravet?",
        LegalArea.PUBLIC_ADMINISTRATION,
        LegalAddressee.EXTERNAL,
        months_after=2,
        answer="En sanktion er en afgørelse efter forvaltningsloven, som skal træffes af en "
        "sagsbehandler efter et konkret skøn. En model kan højst pege på sager, der bør "
        "undersøges nærmere. Begrundelsen skal henvise til de faktiske forhold i den enkelte "
        "sag; en henvisning til modellens score opfylder ikke forvaltningslovens § 24.",
        answer_source="Notat fra ekstern advokat",
        answered_after_days=40,
        shared=True,
    ),
)
ODENSE_QUESTIONS = (
    DemoLegalQuestion(
        "Må jobcentret bruge oplysninger fra andre forvaltninger som input til modellen?",
        LegalArea.GDPR,
        LegalAddressee.OWN_LEGAL,
        from_barrier=0,
        answer="Juridisk afdeling vurderer, at oplysninger fra andre forvaltninger kun må "
        "bruges, hvis de er nødvendige for jobcentrets opgave i den enkelte sag, og at "
        "videregivelsen kræver hjemmel i retssikkerhedsloven. Modellen bruger derfor kun "
        "jobcentrets egne oplysninger.",
        answer_source="Notat fra Juridisk Kontor",
        answered_after_days=50,
    ),
)
MATCH_QUESTIONS = (
    DemoLegalQuestion(
        "Må virksomhederne se den lediges match-score, når jobcentret foreslår en kandidat?",
        LegalArea.GDPR,
        LegalAddressee.DATATILSYNET,
        months_after=14,
        withdrawn=True,
    ),
)
ENERGY_QUESTIONS = (
    DemoLegalQuestion(
        "Er styringen af varme og ventilation i kommunale bygninger en sikkerhedskomponent i "
        "varmeforsyningen efter AI-forordningens bilag III, punkt 2? Indtil vi har svar, "
        "behandler vi systemet som et højrisikosystem.",
        LegalArea.AI_ACT,
        LegalAddressee.AGENCY,
        months_after=62,
    ),
)
PROSTATE_QUESTIONS = (
    DemoLegalQuestion(
        "Er det en væsentlig ændring efter forordningen om medicinsk udstyr, når modellen "
        "gentrænes på regionens egne billeder?",
        LegalArea.MEDICAL_DEVICES,
        LegalAddressee.EXTERNAL,
        months_after=64,
    ),
)
PREGNANCY_QUESTIONS = (
    DemoLegalQuestion(
        "Må samtalerne optages og transskriberes med talegenkendelse, og hvor længe må "
        "optagelserne gemmes?",
        LegalArea.GDPR,
        LegalAddressee.OWN_LEGAL,
        from_barrier=1,
        answer="Regionens jurister vurderer, at optagelse og transskription er nødvendig for "
        "visitationen og sker som led i journalføringen efter sundhedsloven. Optagelserne "
        "slettes efter 30 dage, når transskriptionen er journalført, og den gravide får besked "
        "om optagelsen, når samtalen begynder.",
        answer_source="Notat fra Koncern Jura",
        answered_after_days=35,
    ),
)
BUILDING_OVERRIDE = (
    "Løsningen giver kun sagsbehandleren et forslag; svaret til ansøgeren skrives fortsat af "
    "en sagsbehandler. Teksten, der oplyser ansøgerne om brugen af AI (art. 50), er under "
    "udarbejdelse og skal være på plads, før forpligtelsen gælder."
)

PROJECTS: list[DemoProject] = [
    DemoProject(
        "Intelligent fordeling og journalisering af mails",
        "Norddjurs Kommune",
        Area.ADMINISTRATION,
        R1,
        AITechnique.TEXT,
        "Indgående borgermails sorteres og journaliseres i dag manuelt. En sprogmodel foreslår "
        "modtager og journalplan, så sagsbehandlerne sparer tid.",
        date(2020, 3, 1),
        PhaseKind.SCALING,
        outcome=Outcome.SCALED,
        outcome_note="I drift i Norddjurs og taget i brug af flere kommuner.",
        adopters=("Fredensborg Kommune", "Odense Kommune"),
        grant_dkk=3_800_000,
        budget_dkk=5_200_000,
        legal_basis="Databeskyttelsesforordningens art. 6, stk. 1, litra e (myndighedsudøvelse).",
        dpia=DPIAStatus.COMPLETED,
        ai_act=AIActRiskClass.MINIMAL,
        dpia_approved_by="Databeskyttelsesrådgiveren (DPO), Norddjurs Kommune",
        decisions=(
            DemoDecision(
                "Norddjurs Kommune",
                OperationDecisionKind.IN_OPERATION,
                decided_by="Økonomiudvalget",
                expected_hours=6_000,
                expected_dkk=2_400_000,
            ),
            DemoDecision(
                "Fredensborg Kommune",
                OperationDecisionKind.IN_OPERATION,
                decided_by="Direktionen",
                months_after=20,
                expected_hours=2_500,
            ),
            DemoDecision(
                "Odense Kommune",
                OperationDecisionKind.POSTPONED,
                StopReason.INTEGRATION,
                "Løsningen kan endnu ikke tale med vores ESDH-system. Vi tager stilling igen, "
                "når leverandørens nye snitflade er i drift.",
                decided_by="Borgmesterforvaltningens direktion",
                months_after=24,
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.HOURS,
                "Timer brugt på at fordele og journalisere borgermails",
                Decimal(7_800),
                TIME_STUDY + " Målt i tre fælles postkasser.",
                Decimal(1_800),
                "Afdelingsleder, Borgerservice",
                measurements=(
                    M(6, Decimal(4_600), TIME_STUDY),
                    M(12, Decimal(3_100), TIME_STUDY),
                    M(24, Decimal(2_600), TIME_STUDY),
                ),
                evidence="Gevinstopfølgning forelagt økonomiudvalget.",
            ),
            DemoIndicator(
                BenefitKind.QUALITY,
                "Andel mails journaliseret korrekt første gang",
                Decimal(82),
                "Stikprøve på 400 mails, kontrolleret af journalisationsenheden.",
                Decimal(95),
                "Afdelingsleder, Borgerservice",
                unit="%",
                measurements=(
                    M(6, Decimal(90), "Stikprøve på 400 mails."),
                    M(18, Decimal(96), "Stikprøve på 400 mails."),
                ),
            ),
            DemoIndicator(
                BenefitKind.HOURS,
                "Timer brugt på journalisering af mails i Fredensborg",
                Decimal(2_900),
                TIME_STUDY,
                Decimal(1_000),
                "Teamleder, Digitalisering og Service",
                organisation="Fredensborg Kommune",
                measurements=(M(3, Decimal(2_100), TIME_STUDY),),
            ),
        ),
        spending=DemoSpending(
            70,
            "Datavidenskabsmand, produktejer",
            note="Modeltræningen blev købt ind; driften varetages af egne medarbejdere.",
        ),
        suppliers=(
            ("Nordlys Data ApS", SupplierRole.DEVELOPMENT, "Træning af sprogmodellen"),
            ("Fællesdrift IT A/S", SupplierRole.OPERATION, "Drift og integration til ESDH"),
        ),
        benefits_note="Tidsmåling på tre postkasser før og efter idriftsættelse.",
        barriers=(DATA_ACCESS, FREE_TEXT, INTEGRATION),
        lessons=(LESSON_DATA_EXTRACT, LESSON_JOURNAL),
    ),
    DemoProject(
        "Smartmail – udbredelse",
        "Norddjurs Kommune",
        Area.ADMINISTRATION,
        R3,
        AITechnique.TEXT,
        "Løsningen til automatisk fordeling og journalisering af mails udbredes til op til "
        "ti kommuner med fælles drift.",
        date(2022, 1, 1),
        PhaseKind.IMPLEMENTATION,
        outcome=Outcome.SCALED,
        outcome_note="Taget i brug i Syddjurs og Favrskov; flere kommuner følger.",
        adopters=("Syddjurs Kommune", "Favrskov Kommune", "Slagelse Kommune", "Vejen Kommune"),
        grant_dkk=5_500_000,
        budget_dkk=7_000_000,
        legal_basis="Databeskyttelsesforordningens art. 6, stk. 1, litra e.",
        dpia=DPIAStatus.COMPLETED,
        ai_act=AIActRiskClass.MINIMAL,
        dpia_approved_by="Databeskyttelsesrådgiveren (DPO), Norddjurs Kommune",
        legal_questions=SMARTMAIL_QUESTIONS,
        decisions=(
            DemoDecision(
                "Norddjurs Kommune",
                OperationDecisionKind.IN_OPERATION,
                decided_by="Økonomiudvalget",
                expected_dkk=16_000_000,
            ),
            DemoDecision(
                "Syddjurs Kommune",
                OperationDecisionKind.IN_OPERATION,
                decided_by="Direktionen",
                months_after=2,
                expected_hours=3_000,
            ),
            DemoDecision(
                "Favrskov Kommune",
                OperationDecisionKind.IN_OPERATION,
                decided_by="Direktionen",
                months_after=4,
                expected_hours=2_200,
            ),
            DemoDecision(
                "Slagelse Kommune",
                OperationDecisionKind.POSTPONED,
                StopReason.CAPACITY,
                "Borgerservice er midt i en omorganisering. Vi tager løsningen i brug, når "
                "de nye teams er på plads.",
                decided_by="Koncernledelsen",
                months_after=4,
            ),
            DemoDecision("Vejen Kommune", OperationDecisionKind.UNDECIDED),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.DKK,
                "Sparede kroner om året i de deltagende kommuner",
                Decimal(0),
                "Ingen besparelse før løsningen tages i brug.",
                Decimal(16_000_000),
                "Digitaliseringschef, Norddjurs Kommune",
                frequency=MeasurementFrequency.YEARLY,
                measurements=(M(10, Decimal(4_100_000), "Opgjort ud fra frigjorte timer."),),
            ),
            DemoIndicator(
                BenefitKind.HOURS,
                "Timer brugt på journalisering af mails i Favrskov",
                Decimal(2_400),
                TIME_STUDY,
                Decimal(900),
                "Afdelingsleder, Borgerservice",
                organisation="Favrskov Kommune",
                measurements=(M(4, Decimal(1_700), TIME_STUDY),),
            ),
            DemoIndicator(
                BenefitKind.HOURS,
                "Timer brugt på journalisering af mails i Slagelse",
                Decimal(4_100),
                TIME_STUDY,
                Decimal(1_500),
                "Afdelingsleder, Borgerservice",
                organisation="Slagelse Kommune",
            ),
        ),
        spending=DemoSpending(
            45,
            "Produktejer, driftsansvarlig",
            note="Fælles driftsorganisation i Norddjurs; konsulenter kun til integrationer.",
        ),
        suppliers=(
            ("Fællesdrift IT A/S", SupplierRole.OPERATION, "Fælleskommunal drift"),
            ("Nordlys Data ApS", SupplierRole.LICENCE, "Licens til sprogmodellen"),
            ("Jurahjørnet Advokatpartnerselskab", SupplierRole.LEGAL, "Databehandleraftaler"),
        ),
        barriers=(INTEGRATION, BUSINESS_CASE, SUPPLIER_LOCKIN),
        lessons=(LESSON_TEAM,),
        help_text="Vi ønsker hjælp til en fælleskommunal driftsaftale.",
    ),
    DemoProject(
        "Målrettede beskæftigelsesindsatser",
        "Odense Kommune",
        Area.EMPLOYMENT,
        R1,
        AITechnique.PREDICTION,
        "En model vurderer, hvilke indsatser der hjælper den enkelte ledige hurtigst i job.",
        date(2020, 4, 1),
        PhaseKind.TRIAL,
        outcome=Outcome.CLOSED,
        closing_reason=StopReason.NO_LEGAL_BASIS,
        outcome_note="Afsluttet efter afprøvning: manglende hjemmel til drift.",
        participants=("Københavns Kommune",),
        ai_act=AIActRiskClass.NOT_ASSESSED,
        legal_questions=ODENSE_QUESTIONS,
        decisions=(
            DemoDecision(
                "Odense Kommune",
                OperationDecisionKind.NOT_TO,
                StopReason.NO_LEGAL_BASIS,
                "Beskæftigelseslovgivningen giver ikke hjemmel til at profilere ledige med en "
                "model i den daglige sagsbehandling.",
                decided_by="Beskæftigelses- og Integrationsudvalget",
            ),
            DemoDecision(
                "Københavns Kommune",
                OperationDecisionKind.NOT_TO,
                StopReason.DATA_PROTECTION,
                "Konsekvensanalysen viste en for høj risiko for de lediges rettigheder.",
                decided_by="Beskæftigelses- og Integrationsforvaltningen",
                months_after=1,
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.CITIZEN,
                "Gennemsnitlig tid fra ledighed til job",
                Decimal(26),
                "Udtræk fra jobcentrets fagsystem for 2019.",
                Decimal(22),
                "Jobcenterchef, Odense Kommune",
                unit="uger",
                measurements=(M(0, Decimal(25), "Afprøvning med 300 ledige."),),
            ),
        ),
        spending=DemoSpending(75),
        suppliers=(("Kodehuset Aarhus A/S", SupplierRole.DEVELOPMENT, "Udvikling af modellen"),),
        barriers=(GDPR_BASIS, ETHICS_PROFILING),
        lessons=(LESSON_LEGAL_EARLY, LESSON_ETHICS),
    ),
    DemoProject(
        "Bedre match mellem ledige og virksomheder",
        "Københavns Kommune",
        Area.EMPLOYMENT,
        R1,
        AITechnique.PREDICTION,
        "Anbefalinger af virksomheder og job til ledige ud fra kompetencer og historik.",
        date(2020, 5, 1),
        PhaseKind.DEVELOPMENT,
        outcome=Outcome.CLOSED,
        closing_reason=StopReason.DATA,
        outcome_note="Modellens træfsikkerhed var for lav til afprøvning.",
        ai_act=AIActRiskClass.LIMITED,
        legal_questions=MATCH_QUESTIONS,
        decisions=(
            DemoDecision(
                "Københavns Kommune",
                OperationDecisionKind.NOT_TO,
                StopReason.DATA,
                "Kompetencerne står i fritekst af svingende kvalitet, og modellen ramte kun "
                "rigtigt i hvert tredje forslag.",
                decided_by=STEERING,
            ),
        ),
        spending=DemoSpending(80),
        suppliers=(("Kodehuset Aarhus A/S", SupplierRole.DEVELOPMENT, "Prototype"),),
        barriers=(DATA_ACCESS, FREE_TEXT),
        lessons=(LESSON_DATA_EXTRACT,),
    ),
    DemoProject(
        "Sanktionering af ledige",
        "Frederiksberg Kommune",
        Area.EMPLOYMENT,
        R1,
        AITechnique.PREDICTION,
        "Beslutningsstøtte til vurdering af sanktioner over for ledige.",
        date(2020, 4, 1),
        PhaseKind.CLARIFICATION,
        outcome=Outcome.STOPPED,
        closing_reason=StopReason.OTHER,
        outcome_note="Stoppet af styregruppen efter etisk og juridisk vurdering.",
        ai_act=AIActRiskClass.HIGH,
        annex_iii_area=AnnexIIIArea.ESSENTIAL_SERVICES,
        dpia_approved_by="Databeskyttelsesrådgiveren (DPO), Frederiksberg Kommune",
        legal_questions=SANCTION_QUESTIONS,
        dpia=DPIAStatus.COMPLETED,
        decisions=(
            DemoDecision(
                "Frederiksberg Kommune",
                OperationDecisionKind.NOT_TO,
                StopReason.OTHER,
                "Det etiske råd frarådede at lade en model pege på ledige, der bør sanktioneres.",
                decided_by="Beskæftigelsesudvalget",
            ),
        ),
        spending=DemoSpending(40),
        suppliers=(("Jurahjørnet Advokatpartnerselskab", SupplierRole.LEGAL, "Hjemmelsvurdering"),),
        barriers=(ETHICS_PROFILING, LEGAL_WORKLOAD),
        lessons=(LESSON_ETHICS,),
    ),
    DemoProject(
        "AIR – rehabilitering",
        "Aalborg Kommune",
        Area.ELDERLY,
        R1,
        AITechnique.PREDICTION,
        "Forudsigelse af, hvilke ældre borgere der har gavn af et rehabiliteringsforløb.",
        date(2020, 3, 1),
        PhaseKind.TRIAL,
        outcome=Outcome.CLOSED,
        closing_reason=StopReason.NO_LEGAL_BASIS,
        outcome_note="Afprøvningen viste værdi, men hjemmelsgrundlaget til drift mangler.",
        ai_act=AIActRiskClass.HIGH,
        annex_iii_area=AnnexIIIArea.ESSENTIAL_SERVICES,
        legal_questions=AIR_QUESTIONS,
        decisions=(
            DemoDecision(
                "Aalborg Kommune",
                OperationDecisionKind.POSTPONED,
                StopReason.NO_LEGAL_BASIS,
                "Vi venter på en afklaring af, om serviceloven giver hjemmel til at bruge "
                "modellen i visitationen. Løsningen tages i brug, hvis hjemlen kommer.",
                decided_by="Ældre- og Handicapudvalget",
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.HOURS,
                "Terapeuttimer brugt på visitation til rehabilitering",
                Decimal(2_600),
                TIME_STUDY,
                Decimal(1_800),
                "Leder af visitationen, Ældre- og Handicapforvaltningen",
            ),
        ),
        spending=DemoSpending(65),
        suppliers=(("Nordlys Data ApS", SupplierRole.DEVELOPMENT, "Prædiktionsmodel"),),
        barriers=(GDPR_BASIS, DATA_ACCESS),
        lessons=(LESSON_LEGAL_EARLY,),
    ),
    DemoProject(
        "Kortere svartid i byggesagsbehandling",
        "Københavns Kommune",
        Area.TECHNICAL,
        R1,
        AITechnique.TEXT,
        "Automatisk kontrol af byggeansøgningers fuldstændighed, så ansøgeren får hurtigere svar.",
        date(2020, 6, 1),
        PhaseKind.OPERATION,
        outcome=Outcome.IN_OPERATION,
        personal_data=YesNoUnknown.YES,
        dpia=DPIAStatus.COMPLETED,
        ai_act=AIActRiskClass.LIMITED,
        dpia_approved_by="Direktør, Teknik- og Miljøforvaltningen",
        open_at_go_live=("art50-transparency",),
        go_live_override=BUILDING_OVERRIDE,
        decisions=(
            DemoDecision(
                "Københavns Kommune",
                OperationDecisionKind.IN_OPERATION,
                decided_by="Teknik- og Miljøudvalget",
                expected_hours=3_000,
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.HOURS,
                "Sagsbehandlertimer brugt på fuldstændighedstjek",
                Decimal(5_200),
                SYSTEM_EXTRACT,
                Decimal(2_200),
                "Centerchef, Byggeri",
                measurements=(
                    M(6, Decimal(4_300), SYSTEM_EXTRACT),
                    M(12, Decimal(3_300), SYSTEM_EXTRACT),
                ),
            ),
            DemoIndicator(
                BenefitKind.CITIZEN,
                "Gennemsnitlig svartid på fuldstændighedstjek",
                Decimal(28),
                SYSTEM_EXTRACT,
                Decimal(10),
                "Centerchef, Byggeri",
                unit="dage",
                frequency=MeasurementFrequency.QUARTERLY,
                measurements=(
                    M(3, Decimal(21), SYSTEM_EXTRACT),
                    M(6, Decimal(16), SYSTEM_EXTRACT),
                    M(9, Decimal(14), SYSTEM_EXTRACT),
                ),
            ),
        ),
        spending=DemoSpending(55, "Dataanalytiker, produktejer", yearly_drop=10),
        suppliers=(
            ("Sprogteknologi Syd ApS", SupplierRole.DEVELOPMENT, "Tekstklassifikation"),
            ("Fællesdrift IT A/S", SupplierRole.OPERATION, "Drift"),
        ),
        barriers=(INTEGRATION,),
        lessons=(LESSON_JOURNAL,),
    ),
    DemoProject(
        "Risikovurdering af underretninger",
        "Aarhus Kommune",
        Area.CHILDREN,
        R2,
        AITechnique.PREDICTION,
        "Beslutningsstøtte til socialrådgivere, der vurderer alvoren af underretninger om børn.",
        date(2021, 3, 1),
        PhaseKind.TRIAL,
        on_hold=True,
        ai_act=AIActRiskClass.HIGH,
        annex_iii_area=AnnexIIIArea.ESSENTIAL_SERVICES,
        legal_questions=NOTIFICATION_QUESTIONS,
        decisions=(
            DemoDecision(
                "Aarhus Kommune",
                OperationDecisionKind.POSTPONED,
                StopReason.NO_LEGAL_BASIS,
                "Drift afventer styrelsens vurdering af hjemmel; afprøvningen er sat i bero.",
                decided_by="Socialudvalget",
                months_after=3,
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.QUALITY,
                "Andel underretninger vurderet inden for 24 timer",
                Decimal(71),
                SYSTEM_EXTRACT,
                Decimal(95),
                "Afsnitsleder, Børn og Familie",
                unit="%",
                frequency=MeasurementFrequency.QUARTERLY,
            ),
        ),
        spending=DemoSpending(50, "Datavidenskabsmand"),
        barriers=(GDPR_BASIS, ETHICS_PROFILING),
        lessons=(LESSON_ETHICS,),
        help_text="Vi har brug for styrelsens vurdering af hjemmel til drift.",
    ),
    DemoProject(
        "Intelligent flådestyring",
        "Syddjurs Kommune",
        Area.CLIMATE,
        R2,
        AITechnique.OPTIMISATION,
        "Data fra kommunens køretøjer bruges til at optimere flåden: færre biler, mindre CO2.",
        date(2021, 2, 1),
        PhaseKind.OPERATION,
        outcome=Outcome.IN_OPERATION,
        outcome_note="Slutevaluering gennemført.",
        participants=(
            "Aarhus Kommune",
            "Sønderborg Kommune",
            "Slagelse Kommune",
            "Favrskov Kommune",
        ),
        personal_data=YesNoUnknown.YES,
        dpia=DPIAStatus.COMPLETED,
        ai_act=AIActRiskClass.MINIMAL,
        dpia_approved_by="Databeskyttelsesrådgiveren (DPO), Syddjurs Kommune",
        decisions=(
            DemoDecision(
                "Syddjurs Kommune",
                OperationDecisionKind.IN_OPERATION,
                decided_by="Økonomiudvalget",
                expected_dkk=3_000_000,
            ),
            DemoDecision(
                "Favrskov Kommune",
                OperationDecisionKind.IN_OPERATION,
                decided_by="Direktionen",
                months_after=3,
                expected_dkk=1_200_000,
            ),
            DemoDecision(
                "Aarhus Kommune",
                OperationDecisionKind.NOT_TO,
                StopReason.BUSINESS_CASE,
                "Vores flåde er allerede optimeret med leverandørens eget værktøj; den ekstra "
                "gevinst dækker ikke udgiften til drift.",
                decided_by="Teknik og Miljø, direktionen",
                months_after=2,
            ),
            DemoDecision(
                "Slagelse Kommune",
                OperationDecisionKind.NOT_TO,
                StopReason.DATA,
                "Kun hver tredje bil har en GPS-enhed, der leverer data i brugbar kvalitet.",
                decided_by="Koncernledelsen",
                months_after=4,
            ),
            DemoDecision(
                "Sønderborg Kommune",
                OperationDecisionKind.POSTPONED,
                StopReason.SUPPLIER,
                "Vi afventer udbuddet af en ny telematikleverandør, før vi tager løsningen i brug.",
                decided_by="Direktionen",
                months_after=6,
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.DKK,
                "Udgifter til kommunens bilflåde",
                Decimal(20_000_000),
                "Regnskab for leasing, brændstof og vedligehold af flåden i 2020.",
                Decimal(17_000_000),
                "Driftschef, Materielgården",
                unit="kr. om året",
                frequency=MeasurementFrequency.YEARLY,
                measurements=(
                    M(12, Decimal(18_100_000), "Årsregnskab for flåden."),
                    M(24, Decimal(17_300_000), "Årsregnskab for flåden."),
                ),
                evidence="Slutevalueringen, afsnit 4.",
            ),
            DemoIndicator(
                BenefitKind.QUALITY,
                "CO2-udledning fra bilflåden",
                Decimal(1_400),
                "Beregnet ud fra brændstofforbrug og kørte kilometer i 2020.",
                Decimal(980),
                "Klimakoordinator, Natur og Miljø",
                unit="ton CO2 om året",
                frequency=MeasurementFrequency.YEARLY,
                measurements=(M(12, Decimal(1_050), "Beregnet som ved nulpunktet."),),
            ),
            DemoIndicator(
                BenefitKind.QUALITY,
                "Antal køretøjer i flåden",
                Decimal(180),
                "Optælling i flådestyringssystemet.",
                Decimal(153),
                "Flådeansvarlig, Favrskov Kommune",
                organisation="Favrskov Kommune",
                unit="køretøjer",
                measurements=(
                    M(6, Decimal(176), "Optælling i flådestyringssystemet."),
                    M(12, Decimal(184), "Optælling; hjemmeplejen fik ti ekstra biler."),
                ),
            ),
        ),
        spending=DemoSpending(
            65, "Dataanalytiker, flådekoordinator", note="Analysen blev bygget op internt."
        ),
        suppliers=(
            ("Flådeanalyse Danmark ApS", SupplierRole.DEVELOPMENT, "Optimeringsmodel"),
            ("Gevinstrådgiverne ApS", SupplierRole.CONSULTING, "Slutevaluering"),
        ),
        benefits_note="Omkring 15 % færre køretøjer og udgifter, omkring 30 % mindre CO2.",
        barriers=(DATA_ACCESS, SUPPLIER_LOCKIN),
        lessons=(LESSON_DATA_EXTRACT, LESSON_TEAM),
    ),
    DemoProject(
        "Energioptimering af bygninger",
        "Københavns Kommune",
        Area.CLIMATE,
        R2,
        AITechnique.OPTIMISATION,
        "Styring af varme og ventilation i kommunale bygninger ud fra forudsagt brug og vejr.",
        date(2021, 4, 1),
        PhaseKind.TRIAL,
        personal_data=YesNoUnknown.NO,
        dpia=DPIAStatus.NOT_REQUIRED,
        ai_act=AIActRiskClass.HIGH,
        annex_iii_area=AnnexIIIArea.CRITICAL_INFRASTRUCTURE,
        legal_questions=ENERGY_QUESTIONS,
        decisions=(DemoDecision("Københavns Kommune", OperationDecisionKind.UNDECIDED),),
        indicators=(
            DemoIndicator(
                BenefitKind.DKK,
                "Energiudgift i 40 pilotbygninger",
                Decimal(12_500_000),
                "Fjernvarme- og elregninger for 2020, graddagekorrigeret.",
                Decimal(11_000_000),
                "Energichef, Københavns Ejendomme",
                unit="kr. om året",
                measurements=(M(6, Decimal(12_100_000), "Måleraflæsning i afprøvningen."),),
            ),
        ),
        spending=DemoSpending(60),
        suppliers=(("Klimastyring ApS", SupplierRole.LICENCE, "Styringsplatform"),),
        barriers=(INTEGRATION,),
    ),
    DemoProject(
        "PLAI – planlægning i hjemmeplejen",
        "Aalborg Kommune",
        Area.ELDERLY,
        R3,
        AITechnique.OPTIMISATION,
        "Ruteplanlægning i hjemmeplejen, så medarbejderne får mere tid hos borgerne.",
        date(2022, 1, 1),
        PhaseKind.TRIAL,
        participants=("Syddjurs Kommune",),
        ai_act=AIActRiskClass.LIMITED,
        decisions=(
            DemoDecision("Aalborg Kommune", OperationDecisionKind.UNDECIDED),
            DemoDecision(
                "Syddjurs Kommune",
                OperationDecisionKind.POSTPONED,
                StopReason.INTEGRATION,
                "Vores omsorgssystem skal opgraderes, før ruteplanerne kan overføres automatisk.",
                decided_by="Direktionen",
                months_after=2,
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.HOURS,
                "Køretid i hjemmeplejen",
                Decimal(48_000),
                "Køretid fra ruteplanlægningssystemet for 2021.",
                Decimal(36_000),
                "Chef for Hjemmeplejen, Aalborg Kommune",
            ),
            DemoIndicator(
                BenefitKind.CITIZEN,
                "Borgernes tilfredshed med besøgstiderne",
                Decimal("3.6"),
                "Spørgeskema til 250 borgere i hjemmeplejen.",
                Decimal("4.2"),
                "Leder af Hjemmeplejen, Syddjurs Kommune",
                organisation="Syddjurs Kommune",
                unit="gennemsnit på skala 1–5",
                frequency=MeasurementFrequency.YEARLY,
            ),
        ),
        spending=DemoSpending(70, "Planlægningsansvarlig"),
        suppliers=(("Ruteplan Nord ApS", SupplierRole.DEVELOPMENT, "Optimeringsmotor"),),
        barriers=(DATA_ACCESS, LEGAL_WORKLOAD),
        lessons=(LESSON_DATA_EXTRACT,),
    ),
    DemoProject(
        "AI Aktindsigt",
        "Sønderborg Kommune",
        Area.ADMINISTRATION,
        R3,
        AITechnique.TEXT,
        "Sprogmodel, der finder og foreslår anonymisering af dokumenter ved aktindsigt.",
        date(2022, 1, 1),
        PhaseKind.IMPLEMENTATION,
        outcome=Outcome.CLOSED,
        closing_reason=StopReason.SUPPLIER,
        outcome_note="Afsluttet med slutrapport; løsningen overdrages til fællesoffentlig drift.",
        participants=("Vejen Kommune", "Fredensborg Kommune"),
        dpia=DPIAStatus.COMPLETED,
        ai_act=AIActRiskClass.LIMITED,
        dpia_approved_by="Databeskyttelsesrådgiveren (DPO), Sønderborg Kommune",
        decisions=(
            DemoDecision(
                "Sønderborg Kommune",
                OperationDecisionKind.POSTPONED,
                StopReason.SUPPLIER,
                "Løsningen tages i brug, når den fællesoffentlige driftsaftale er indgået.",
                decided_by="Økonomiudvalget",
                expected_hours=4_000,
            ),
            DemoDecision(
                "Vejen Kommune",
                OperationDecisionKind.POSTPONED,
                StopReason.CAPACITY,
                "Vi har ikke ressourcer til oplæring i år og venter på den fælles drift.",
                decided_by="Direktionen",
                months_after=1,
            ),
            DemoDecision(
                "Fredensborg Kommune",
                OperationDecisionKind.NOT_TO,
                StopReason.BUSINESS_CASE,
                "Vi behandler for få aktindsigtssager til, at licensen betaler sig.",
                decided_by="Direktionen",
                months_after=1,
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.HOURS,
                "Timer brugt på aktindsigtssager",
                Decimal(4_800),
                "Tidsregistrering på 60 sager i 2022, opregnet til et år.",
                Decimal(2_900),
                "Leder af Jura og Aktindsigt",
                measurements=(
                    M(0, Decimal(3_700), "Tidsregistrering på 40 sager i afprøvningen."),
                ),
                evidence="Slutrapportens afsnit om gevinster.",
            ),
        ),
        spending=DemoSpending(85),
        suppliers=(
            ("Sprogteknologi Syd ApS", SupplierRole.DEVELOPMENT, "Anonymiseringsmodel"),
            ("Jurahjørnet Advokatpartnerselskab", SupplierRole.LEGAL, "Vurdering af aktindsigt"),
        ),
        benefits_note="Forventet 33–50 % mindre manuelt tidsforbrug ved aktindsigt.",
        barriers=(FREE_TEXT, BUSINESS_CASE),
        lessons=(LESSON_TEAM,),
    ),
    DemoProject(
        "Hurtigere diagnostik af akutte patienter",
        "Region Syddanmark",
        Area.HEALTH,
        R1,
        AITechnique.PREDICTION,
        "Forudsigelse af diagnose ud fra blodprøver, så akutte patienter hurtigere får behandling.",
        date(2020, 3, 1),
        PhaseKind.TRIAL,
        outcome=Outcome.CLOSED,
        closing_reason=StopReason.REGULATION,
        outcome_note="Ikke idriftsat: krav om CE-mærkning som medicinsk udstyr.",
        medical_device=YesNoUnknown.YES,
        ai_act=AIActRiskClass.NOT_ASSESSED,
        decisions=(
            DemoDecision(
                "Region Syddanmark",
                OperationDecisionKind.NOT_TO,
                StopReason.REGULATION,
                "Modellen er medicinsk udstyr i klasse IIa, og en CE-mærkning koster mere, end "
                "regionen kan forsvare for én akutmodtagelse.",
                decided_by="Koncerndirektionen",
            ),
        ),
        spending=DemoSpending(50),
        suppliers=(("Klinisk AI Konsulenterne I/S", SupplierRole.CONSULTING, "MDR-vurdering"),),
        barriers=(MDR_QUESTION, DATA_ACCESS),
        lessons=(LESSON_MDR,),
    ),
    DemoProject(
        "Diagnosticering af prostatakræft",
        "Region Syddanmark",
        Area.HEALTH,
        R1,
        AITechnique.IMAGE,
        "Billedanalyse af vævsprøver som støtte til patologen ved diagnosticering af "
        "prostatakræft.",
        date(2020, 5, 1),
        PhaseKind.TRIAL,
        medical_device=YesNoUnknown.YES,
        ai_act=AIActRiskClass.HIGH,
        legal_questions=PROSTATE_QUESTIONS,
        decisions=(
            DemoDecision(
                "Region Syddanmark",
                OperationDecisionKind.POSTPONED,
                StopReason.REGULATION,
                "Leverandørens nye version er endnu ikke CE-mærket; vi venter med drift.",
                decided_by="Koncerndirektionen",
                months_after=4,
            ),
        ),
        indicators=(
            DemoIndicator(
                BenefitKind.QUALITY,
                "Svartid på prostatabiopsier",
                Decimal(9),
                "Udtræk fra patologisystemet for 2019.",
                Decimal(5),
                "Ledende overlæge, Patologisk Afdeling",
                unit="dage",
                frequency=MeasurementFrequency.QUARTERLY,
                measurements=(M(2, Decimal(7), "Udtræk fra patologisystemet."),),
            ),
        ),
        spending=DemoSpending(60, "Klinisk dataanalytiker"),
        suppliers=(("Patologi Vision ApS", SupplierRole.LICENCE, "CE-mærket billedanalyse"),),
        barriers=(MDR_QUESTION,),
        lessons=(LESSON_MDR,),
    ),
    DemoProject(
        "Opsporing af kritisk sygdom",
        "Region Midtjylland",
        Area.HEALTH,
        R2,
        AITechnique.PREDICTION,
        "Tidlig varsling af forværring hos indlagte patienter ud fra målinger og journaldata.",
        date(2021, 3, 1),
        PhaseKind.DEVELOPMENT,
        medical_device=YesNoUnknown.UNKNOWN,
        ai_act=AIActRiskClass.LIMITED,
        spending=DemoSpending(55),
        barriers=(MDR_QUESTION, FREE_TEXT),
    ),
    DemoProject(
        "Telefonvisitation af gravide",
        "Region Hovedstaden",
        Area.HEALTH,
        R2,
        AITechnique.SPEECH,
        "Talegenkendelse og beslutningsstøtte ved telefonisk visitation af gravide.",
        date(2021, 4, 1),
        PhaseKind.TRIAL,
        medical_device=YesNoUnknown.UNKNOWN,
        ai_act=AIActRiskClass.LIMITED,
        legal_questions=PREGNANCY_QUESTIONS,
        decisions=(DemoDecision("Region Hovedstaden", OperationDecisionKind.UNDECIDED),),
        spending=DemoSpending(70),
        suppliers=(
            ("Sprogteknologi Syd ApS", SupplierRole.LICENCE, "Dansk talegenkendelse"),
            ("Klinisk AI Konsulenterne I/S", SupplierRole.CONSULTING, "AI-forordningen"),
        ),
        barriers=(MDR_QUESTION, GDPR_BASIS),
        lessons=(LESSON_MDR,),
        help_text="Ønsker sparring om AI-forordningens krav til højrisikosystemer.",
    ),
    DemoProject(
        "Behandlingsstøtte til AMD-patienter",
        "Region Hovedstaden",
        Area.HEALTH,
        R3,
        AITechnique.IMAGE,
        "Billedanalyse af nethindescanninger, der forudsiger behandlingsbehov ved våd AMD.",
        date(2022, 1, 1),
        PhaseKind.DEVELOPMENT,
        medical_device=YesNoUnknown.YES,
        ai_act=AIActRiskClass.HIGH,
        ai_act_role=AIActRole.PROVIDER,
        indicators=(
            DemoIndicator(
                BenefitKind.CITIZEN,
                "Unødvendige kontrolbesøg pr. patient om året",
                Decimal("4.0"),
                "Journalaudit af 200 patientforløb i 2021.",
                Decimal("2.5"),
                "Klinikchef, Øjenafdelingen",
                unit="besøg",
                frequency=MeasurementFrequency.YEARLY,
            ),
        ),
        spending=DemoSpending(45, "Klinisk datavidenskabsmand"),
        barriers=(MDR_QUESTION, DATA_ACCESS),
    ),
    DemoProject(
        "Trygge udskrivelser",
        "Region Hovedstaden",
        Area.HEALTH,
        R3,
        AITechnique.PREDICTION,
        "Forudsigelse af genindlæggelser, så udskrivelsen kan planlægges med kommunen.",
        date(2022, 1, 1),
        PhaseKind.DEVELOPMENT,
        medical_device=YesNoUnknown.UNKNOWN,
        ai_act=AIActRiskClass.LIMITED,
        spending=DemoSpending(60),
        barriers=(DATA_ACCESS, LEGAL_WORKLOAD),
        lessons=(LESSON_DATA_EXTRACT,),
    ),
]
