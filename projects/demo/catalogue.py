"""The demo data set: the programme's real organisations, rounds and projects.

Owner, area and round are public facts; phases, statuses, barriers and lessons are invented
to show how the application is used.
"""

from dataclasses import dataclass, field
from datetime import date

from projects.models import (
    AIActRiskClass,
    AITechnique,
    Area,
    BarrierCategory,
    DPIAStatus,
    LessonCategory,
    OrganisationKind,
    Outcome,
    PhaseKind,
    Role,
    Severity,
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
    escalated: bool = False
    accepted: bool = False


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
    medical_device: str = YesNoUnknown.NO
    suppliers: str = ""
    expected_hours: int | None = None
    realised_hours: int | None = None
    expected_dkk: int | None = None
    realised_dkk: int | None = None
    benefits_note: str = ""
    on_hold: bool = False
    barriers: tuple[DemoBarrier, ...] = ()
    lessons: tuple[DemoLesson, ...] = ()
    help_text: str = ""
    extra_decisions: tuple[tuple[str, str, str], ...] = field(default=())  # kind, title, text


R1, R2, R3 = (name for name, _year, _pool in FUNDING_ROUNDS)

GDPR_BASIS = DemoBarrier(
    BarrierCategory.LEGAL,
    "Uklart retsgrundlag for drift",
    "Datatilsynet vurderer, at udvikling af modellen er lovlig, men at drift med "
    "borgernes personoplysninger kræver et klarere hjemmelsgrundlag.",
    Severity.CRITICAL,
    PhaseKind.TRIAL,
    escalated=True,
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
    escalated=True,
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
    "Spørg juristen om både udvikling og drift i afklaringsfasen, og inddrag Datatilsynet tidligt.",
    PhaseKind.CLARIFICATION,
    from_barrier=0,
)
LESSON_DATA_EXTRACT = DemoLesson(
    LessonCategory.DATA,
    "Aftal dataudtræk med leverandøren før projektstart",
    "Det tog fem måneder at få et brugbart udtræk fra fagsystemet.",
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
        outcome_note="I drift i Norddjurs siden 2022 og udbredt til flere kommuner.",
        grant_dkk=3_800_000,
        budget_dkk=5_200_000,
        legal_basis="Databeskyttelsesforordningens art. 6, stk. 1, litra e (myndighedsudøvelse).",
        dpia=DPIAStatus.COMPLETED,
        ai_act=AIActRiskClass.MINIMAL,
        suppliers="Lokal IT-leverandør; konsulent til modeltræning.",
        expected_hours=6_000,
        realised_hours=5_200,
        expected_dkk=2_400_000,
        realised_dkk=2_100_000,
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
        participants=("Syddjurs Kommune", "Favrskov Kommune", "Slagelse Kommune", "Vejen Kommune"),
        grant_dkk=5_500_000,
        budget_dkk=7_000_000,
        legal_basis="Databeskyttelsesforordningens art. 6, stk. 1, litra e.",
        dpia=DPIAStatus.COMPLETED,
        ai_act=AIActRiskClass.MINIMAL,
        expected_hours=40_000,
        expected_dkk=16_000_000,
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
        outcome_note="Afsluttet efter afprøvning: manglende hjemmel til drift.",
        participants=("Københavns Kommune",),
        ai_act=AIActRiskClass.HIGH,
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
        outcome_note="Modellens træfsikkerhed var for lav til afprøvning.",
        ai_act=AIActRiskClass.HIGH,
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
        outcome_note="Stoppet af styregruppen efter etisk og juridisk vurdering.",
        ai_act=AIActRiskClass.HIGH,
        dpia=DPIAStatus.COMPLETED,
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
        outcome_note="Afprøvningen viste værdi, men hjemmelsgrundlaget til drift mangler.",
        ai_act=AIActRiskClass.HIGH,
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
        expected_hours=3_000,
        realised_hours=1_900,
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
        expected_dkk=3_000_000,
        realised_dkk=2_700_000,
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
        ai_act=AIActRiskClass.MINIMAL,
        expected_dkk=1_500_000,
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
        expected_hours=12_000,
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
        outcome_note="Afsluttet med slutrapport; løsningen overdrages til fællesoffentlig drift.",
        participants=("Vejen Kommune", "Fredensborg Kommune"),
        dpia=DPIAStatus.COMPLETED,
        ai_act=AIActRiskClass.LIMITED,
        expected_hours=4_000,
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
        outcome_note="Ikke idriftsat: krav om CE-mærkning som medicinsk udstyr.",
        medical_device=YesNoUnknown.YES,
        ai_act=AIActRiskClass.HIGH,
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
        suppliers="Leverandør af CE-mærket billedanalyseplatform.",
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
        ai_act=AIActRiskClass.HIGH,
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
        ai_act=AIActRiskClass.HIGH,
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
        ai_act=AIActRiskClass.HIGH,
        barriers=(DATA_ACCESS, LEGAL_WORKLOAD),
        lessons=(LESSON_DATA_EXTRACT,),
    ),
]
