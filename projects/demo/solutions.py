"""Demo catalogue of reusable solutions from the programme's real projects (the owners and
projects are public facts; maturity, adoptions and their dates are invented)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from projects.models import (
    Adoption,
    AdoptionStage,
    MaintenanceKind,
    Organisation,
    Project,
    Solution,
    SolutionKind,
    SolutionMaturity,
)


@dataclass(frozen=True)
class DemoAdoption:
    organisation: str
    # The stages reached, each with the number of days before the demo's today.
    stages: tuple[tuple[str, int], ...]
    contact: str
    stop_reason: str = ""
    stop_explanation: str = ""
    seen: bool = True


@dataclass(frozen=True)
class DemoSolution:
    title: str
    owner: str
    kind: str
    maturity: str
    description: str
    licence: str
    maintenance: str
    maintenance_contact: str
    prerequisites: str
    running_cost_dkk: int | None
    project: str
    link: str = ""
    adoptions: tuple[DemoAdoption, ...] = field(default_factory=tuple)


SOLUTIONS = [
    DemoSolution(
        title="AI Aktindsigt",
        owner="Sønderborg Kommune",
        kind=SolutionKind.SOFTWARE,
        maturity=SolutionMaturity.PRODUCTION_SEVERAL,
        description=(
            "Finder, sorterer og forbereder dokumenter til aktindsigt, så sagsbehandleren "
            "bruger mindre tid på manuel gennemgang og overstregning. Forventet 33–50 % "
            "mindre manuel tid pr. anmodning."
        ),
        licence="EUPL-1.2",
        maintenance=MaintenanceKind.COMMUNITY,
        maintenance_contact="digitalisering@sonderborg.dk",
        prerequisites="Integration til ESDH-systemet; adgang til sagens dokumenter som PDF.",
        running_cost_dkk=150_000,
        project="AI Aktindsigt",
        adoptions=(
            DemoAdoption(
                "Vejen Kommune",
                (("interested", 420), ("assessing", 380), ("piloting", 300)),
                "Vejen Kommune, Digitalisering",
            ),
            DemoAdoption(
                "Fredensborg Kommune",
                (("interested", 420), ("piloting", 330), ("in_operation", 120)),
                "Fredensborg Kommune, IT og Digitalisering",
            ),
        ),
    ),
    DemoSolution(
        title="Intelligent flådestyring",
        owner="Syddjurs Kommune",
        kind=SolutionKind.SOFTWARE,
        maturity=SolutionMaturity.PRODUCTION_SEVERAL,
        description=(
            "Optimerer kommunens flåde af biler ud fra kørselsdata: omkring 15 % færre "
            "køretøjer og udgifter og omkring 30 % mindre CO2."
        ),
        licence="Proprietær",
        maintenance=MaintenanceKind.CONTRACT,
        maintenance_contact="Syddjurs Kommune, Teknik og Miljø",
        prerequisites="Kørselsdata fra flådestyringssystem (GPS-logning) for mindst tre måneder.",
        running_cost_dkk=200_000,
        project="Intelligent flådestyring",
        adoptions=(
            DemoAdoption(
                "Aarhus Kommune",
                (("interested", 600), ("piloting", 500), ("in_operation", 365)),
                "Aarhus Kommune, Flådestyring",
            ),
            DemoAdoption(
                "Favrskov Kommune",
                (("interested", 200), ("assessing", 90)),
                "Favrskov Kommune, Teknik",
            ),
            DemoAdoption(
                "Slagelse Kommune",
                (("interested", 500), ("assessing", 450), ("stopped", 380)),
                "Slagelse Kommune, Materielgården",
                stop_reason="business_case",
                stop_explanation="Flåden er for lille til at besparelsen dækker licensen.",
            ),
        ),
    ),
    DemoSolution(
        title="DPIA-skabelon til AI-journalisering",
        owner="Norddjurs Kommune",
        kind=SolutionKind.IMPACT_TEMPLATE,
        maturity=SolutionMaturity.PRODUCT,
        description=(
            "Konsekvensanalyse (DPIA) for automatisk fordeling og journalisering af mails, "
            "bygget på Datatilsynets skabelon for AI-løsninger, med risikovurdering og "
            "foranstaltninger udfyldt."
        ),
        licence="CC BY 4.0",
        maintenance=MaintenanceKind.INTERNAL,
        maintenance_contact="Databeskyttelsesrådgiveren, Norddjurs Kommune",
        prerequisites="Egen behandlingsfortegnelse og databeskyttelsesrådgiverens vurdering.",
        running_cost_dkk=None,
        project="Intelligent fordeling og journalisering af mails",
        adoptions=(
            DemoAdoption(
                "Syddjurs Kommune",
                (("interested", 3),),
                "Sofie Sørensen",
                seen=False,
            ),
        ),
    ),
]


def seed_solutions(*, today: date) -> int:
    """The demo catalogue, created once (a solution whose title exists is left as it is).
    Returns the number of solutions created."""
    organisations = {o.name: o for o in Organisation.objects.all()}
    created = 0
    for spec in SOLUTIONS:
        owner = organisations.get(spec.owner)
        if owner is None or Solution.objects.filter(title=spec.title).exists():
            continue
        solution = Solution(
            title=spec.title,
            owner=owner,
            kind=spec.kind,
            maturity=spec.maturity,
            description=spec.description,
            licence=spec.licence,
            link=spec.link,
            maintenance=spec.maintenance,
            maintenance_contact=spec.maintenance_contact,
            prerequisites=spec.prerequisites,
            running_cost_dkk=spec.running_cost_dkk,
        )
        solution.full_clean()
        solution.save()
        solution.projects.set(Project.objects.filter(title=spec.project, lead_organisation=owner))
        for demo in spec.adoptions:
            _adopt(solution, organisations[demo.organisation], demo, today=today)
        created += 1
    return created


def _adopt(solution: Solution, organisation: Organisation, demo: DemoAdoption, *, today) -> None:
    (first_stage, first_days), *later = demo.stages
    adoption = Adoption(
        solution=solution,
        organisation=organisation,
        stage=first_stage,
        stage_since=today - timedelta(days=first_days),
        contact_name=demo.contact,
        owner_seen_at=None,
    )
    adoption.full_clean()
    adoption.save()
    for stage, days in later:
        adoption.stage, adoption.stage_since = stage, today - timedelta(days=days)
        if stage == AdoptionStage.STOPPED:
            adoption.stop_reason, adoption.stop_explanation = (
                demo.stop_reason,
                demo.stop_explanation,
            )
        adoption.full_clean()
        adoption.save()
    if demo.seen:
        Adoption.objects.filter(pk=adoption.pk).update(owner_seen_at=timezone.now())
