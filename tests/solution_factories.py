"""Factories and form data for the catalogue of reusable solutions and their adoptions."""

import uuid

import factory
from django.utils import timezone

from projects.models import Adoption, AdoptionStage, Solution, SolutionKind, SolutionMaturity
from tests.factories import OrganisationFactory


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Løsning {n}")
    description = "Genbrugelig løsning til journalisering af mails."
    kind = SolutionKind.SOFTWARE
    maturity = SolutionMaturity.PRODUCTION_ONE
    owner = factory.SubFactory(OrganisationFactory)
    maintenance = "internal"
    licence = "EUPL-1.2"

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)

    @factory.post_generation
    def lessons(self, create, extracted, **kwargs):
        if create and extracted:
            self.lessons.set(extracted)


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    solution = factory.SubFactory(SolutionFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    stage = AdoptionStage.INTERESTED
    stage_since = factory.LazyFunction(timezone.localdate)
    contact_name = "Karen Jensen"
    contact_email = "kj@example.dk"


def solution_data(owner, **overrides) -> dict:
    """A new solution as its form posts it."""
    return {
        "submission_token": str(uuid.uuid4()),
        "title": "AI Aktindsigt",
        "description": "Hjælper med at gennemgå dokumenter til aktindsigt.",
        "kind": SolutionKind.SOFTWARE,
        "maturity": SolutionMaturity.PILOT,
        "owner": owner.pk,
        "licence": "EUPL-1.2",
        "link": "https://github.com/example/aktindsigt",
        "publiccode_url": "",
        "maintenance": "community",
        "maintenance_contact": "digitalisering@example.dk",
        "prerequisites": "ESDH-integration.",
        "running_cost_dkk": "120.000",
        **overrides,
    }


def solution_edit_data(solution, **overrides) -> dict:
    data = solution_data(solution.owner, title=solution.title, version=solution.version)
    data.pop("submission_token")
    data["projects"] = [p.pk for p in solution.projects.all()]
    data["lessons"] = [lesson.pk for lesson in solution.lessons.all()]
    return {**data, **overrides}


def adoption_data(organisation=None, **overrides) -> dict:
    data = {
        "submission_token": str(uuid.uuid4()),
        "stage": AdoptionStage.INTERESTED,
        "stage_since": timezone.localdate().isoformat(),
        "contact_name": "Ole Hansen",
        "contact_email": "oh@example.dk",
        "note": "",
    }
    if organisation is not None:
        data["organisation"] = organisation.pk
    return {**data, **overrides}


def stage_data(adoption, stage, **overrides) -> dict:
    return {
        "version": adoption.version,
        "stage": stage,
        "stage_since": timezone.localdate().isoformat(),
        "stop_reason": "",
        "stop_explanation": "",
        "contact_name": adoption.contact_name,
        "contact_email": adoption.contact_email,
        "note": adoption.note,
        **overrides,
    }


def catalogue(world) -> tuple[Solution, Adoption]:
    """The lead organisation's solution out of the world's project (with its unshared lesson),
    and the participating organisation's interest in it, not yet seen by the owner."""
    solution = SolutionFactory(
        owner=world.lead_organisation, projects=[world.project], lessons=[world.lesson]
    )
    adoption = AdoptionFactory(solution=solution, organisation=world.participant_organisation)
    return solution, adoption
