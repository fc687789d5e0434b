"""Demo records of the public algorithm register for some of the programme's real projects:
three published, one waiting for the agency's review. Owners and projects are public facts;
the texts are written for the demo."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from projects.models import (
    Membership,
    Project,
    PublicationCategory,
    RegisterRecord,
    RegisterState,
    RegisterStatus,
    RegisterTheme,
    Role,
)
from projects.services import register as register_services

from . import catalogue


@dataclass(frozen=True)
class DemoRecord:
    project: str
    state: str
    fields: dict = field(default_factory=dict)


RECORDS = [
    DemoRecord(
        project="AI Aktindsigt",
        state=RegisterState.PUBLISHED,
        fields={
            "name": "Forberedelse af dokumenter til aktindsigt",
            "description_short": (
                "Algoritmen finder de dokumenter i en sag, der er omfattet af en anmodning om "
                "aktindsigt, og foreslår, hvilke personoplysninger der skal overstreges. En "
                "sagsbehandler gennemgår og godkender altid forslaget."
            ),
            "category": [RegisterTheme.ORGANISATION, RegisterTheme.LAW],
            "status": RegisterStatus.IN_USE,
            "begin_date": "2024-09",
            "contact_email": "aktindsigt@sonderborg.dk",
            "website": "https://sonderborgkommune.dk/aktindsigt",
            "publication_category": PublicationCategory.IMPACTFUL,
            "goal": (
                "Borgere og journalister skal have svar på anmodninger om aktindsigt hurtigere. "
                "Algoritmen tager det første, tidskrævende gennemløb af dokumenterne; "
                "sagsbehandleren bruger tiden på vurderingen. Vi forventer 33–50 % mindre "
                "manuel tid pr. anmodning."
            ),
            "proportionality": (
                "Alternativet er manuel gennemgang af hvert dokument. Algoritmen træffer ingen "
                "afgørelse; den foreslår kun, og en fejl fanges ved sagsbehandlerens kontrol."
            ),
            "human_intervention": (
                "En sagsbehandler gennemgår alle forslag til overstregning og kan ændre eller "
                "afvise dem, før noget udleveres. Afgørelsen om aktindsigt træffes af "
                "sagsbehandleren."
            ),
            "risks": (
                "Risikoen er, at en personoplysning ikke bliver fundet. Derfor kontrollerer "
                "sagsbehandleren hvert dokument, og vi måler løbende, hvor mange oplysninger "
                "algoritmen overser."
            ),
            "lawful_basis": (
                "Offentlighedsloven giver borgere ret til aktindsigt i myndighedens dokumenter; "
                "databeskyttelsesforordningen stiller krav til behandlingen af "
                "personoplysninger undervejs."
            ),
            "lawful_basis_grouping": [
                {
                    "title": "Offentlighedsloven",
                    "link": "https://www.retsinformation.dk/eli/lta/2020/145",
                },
                {
                    "title": "Databeskyttelsesforordningen",
                    "link": "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
                },
            ],
            "impacttoetsen": "Der er gennemført en konsekvensanalyse (DPIA); den er intern.",
            "source_data": (
                "Dokumenter og e-mails i den sag, anmodningen gælder, fra kommunens ESDH-system. "
                "De kan indeholde navne, adresser, CPR-numre og helbredsoplysninger."
            ),
            "methods_and_models": (
                "En sprogmodel genkender personoplysninger i teksten (navne, adresser, "
                "CPR-numre); regler finder dokumenter omfattet af anmodningen. Modellen lærer "
                "ikke af sig selv i drift."
            ),
            "provider": "Netcompany",
            "senior_responsible_owner": "Direktør for Borgerservice, Sønderborg Kommune",
            "frequency_and_scale_of_usage": "Omkring 1.500 anmodninger om aktindsigt om året.",
            "appeals_and_review": (
                "Afgørelsen om aktindsigt kan påklages til den myndighed, der er nævnt i "
                "klagevejledningen i afgørelsen."
            ),
            "tags": "aktindsigt, overstregning, personoplysninger, sprogmodel",
        },
    ),
    DemoRecord(
        project="Intelligent flådestyring",
        state=RegisterState.PUBLISHED,
        fields={
            "name": "Planlægning af kommunens bilflåde",
            "description_short": (
                "Algoritmen analyserer, hvornår kommunens biler bruges, og foreslår en mindre "
                "og bedre udnyttet flåde. Den behandler ikke oplysninger om borgere."
            ),
            "category": [RegisterTheme.ORGANISATION, RegisterTheme.NATURE, RegisterTheme.TRAFFIC],
            "status": RegisterStatus.IN_USE,
            "begin_date": "2023-03",
            "contact_email": "flaade@syddjurs.dk",
            "publication_category": PublicationCategory.OTHER,
            "goal": (
                "Færre biler og mindre kørsel: omkring 15 % færre køretøjer og udgifter og "
                "omkring 30 % mindre CO2. Borgerne mærker det ikke direkte."
            ),
            "human_intervention": (
                "Flådeansvarlige beslutter, hvilke biler der udskiftes eller afhændes; "
                "algoritmen kommer kun med forslag."
            ),
            "risks": (
                "Kørselsdata kan sige noget om den enkelte medarbejder. Data bruges kun samlet "
                "pr. bil og afdeling, aldrig til at vurdere medarbejdere."
            ),
            "impacttoetsen": (
                "Der er ikke lavet en DPIA, fordi der ikke behandles oplysninger om borgere, og "
                "kørselsdata om medarbejdere kun bruges samlet."
            ),
            "source_data": "GPS- og kørselsdata fra kommunens køretøjer; bookingdata.",
            "methods_and_models": (
                "Optimeringsmodel, der ud fra historisk brug beregner det antal og den type "
                "biler, der dækker behovet. Den er ikke selvlærende."
            ),
            "developed_in_house": True,
            "provider": "",
            "tags": "flådestyring, flåde, biler, CO2, kørsel",
        },
    ),
    DemoRecord(
        project="Intelligent fordeling og journalisering af mails",
        state=RegisterState.PUBLISHED,
        fields={
            "name": "Fordeling og journalisering af mails",
            "description_short": (
                "Algoritmen læser mails til kommunens fællespostkasser og foreslår, hvilken "
                "afdeling og sag de hører til. En medarbejder kan altid flytte en mail."
            ),
            "category": [RegisterTheme.ORGANISATION],
            "status": RegisterStatus.IN_USE,
            "begin_date": "2021-05",
            "contact_email": "digitalisering@norddjurs.dk",
            "publication_category": PublicationCategory.IMPACTFUL,
            "human_intervention": (
                "Medarbejderen i den modtagende afdeling ser hver mail og flytter den, hvis "
                "forslaget er forkert. Algoritmen træffer ingen afgørelser."
            ),
            "source_data": "Indholdet af mails til kommunens fællespostkasser.",
            "methods_and_models": "Tekstklassifikation trænet på tidligere fordelte mails.",
            "tags": "mails, journalisering, postkasse",
        },
    ),
    DemoRecord(
        project="PLAI – planlægning i hjemmeplejen",
        state=RegisterState.SUBMITTED,
        fields={
            "name": "Ruteplanlægning i hjemmeplejen",
            "description_short": (
                "Algoritmen foreslår ruter og besøgstider for hjemmeplejens medarbejdere ud fra "
                "borgernes visiterede ydelser. Planlæggeren godkender planen."
            ),
            "category": [RegisterTheme.HEALTH],
            "status": RegisterStatus.IN_DEVELOPMENT,
            "contact_email": "plai@aalborg.dk",
            "publication_category": PublicationCategory.IMPACTFUL,
        },
    ),
]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _coordinator_of(organisation_id: int):
    membership = (
        Membership.objects.filter(organisation_id=organisation_id, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def seed_register() -> int:
    """Give the demo projects their register records (once); returns how many were made."""
    administrator = _user(catalogue.DEMO_USERS[0].username)
    reviewer = _user(catalogue.DEMO_USERS[1].username)
    if administrator is None or reviewer is None:
        return 0
    made = 0
    for demo in RECORDS:
        project = Project.objects.filter(title=demo.project).select_related("lead_organisation")
        project = project.first()
        if project is None or RegisterRecord.objects.filter(project=project).exists():
            continue
        coordinator = _coordinator_of(project.lead_organisation_id) or administrator
        record = register_services.prefilled_record(project)
        for name, value in demo.fields.items():
            setattr(record, name, value)
        register_services.save_register_record(record=record, expected_version=None, fields=[])
        register_services.submit_register_record(record=record, user=coordinator)
        if demo.state == RegisterState.PUBLISHED:
            register_services.approve_register_record(record=record, user=reviewer)
            register_services.publish_register_record(record=record, user=coordinator)
        made += 1
    return made
