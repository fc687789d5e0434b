from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from projects.models import (
    Area,
    Barrier,
    BarrierCategory,
    BenefitIndicator,
    BenefitKind,
    BenefitMeasurement,
    Decision,
    FundingRound,
    LegalQuestion,
    LessonCategory,
    LessonLearned,
    Membership,
    ObligationStatus,
    OperationDecision,
    OperationDecisionKind,
    Organisation,
    OrganisationKind,
    Phase,
    PhaseKind,
    Project,
    ProjectObligation,
    ProjectSupplier,
    ReviewNote,
    Role,
    Spending,
    StatusUpdate,
    Supplier,
    SupplierRole,
    TrafficLight,
)
from projects.models.invitations import hash_token


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    kind = OrganisationKind.MUNICIPALITY


class AgencyFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Styrelse {n}")
    kind = OrganisationKind.AGENCY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COORDINATOR


class FundingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingRound

    name = factory.Sequence(lambda n: f"Runde {n}")
    year = 2021
    pool_dkk = 60_000_000


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Projekt {n}")
    summary = "Et projekt om kunstig intelligens."
    lead_organisation = factory.SubFactory(OrganisationFactory)
    funding_round = factory.SubFactory(FundingRoundFactory)
    area = Area.ADMINISTRATION
    start_date = date(2022, 1, 1)
    planned_end_date = date(2024, 12, 31)

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if create and extracted:
            self.participants.set(extracted)


def meet_obligations(project, *, on: date | None = None) -> None:
    """Mark every AI Act obligation the project has by its profile now as done, as a
    project ready to go into operation has them (the gate into operation asks for it)."""
    on = on or timezone.localdate()
    for held in ProjectObligation.objects.open().filter(project=project):
        held.status, held.completed_on = ObligationStatus.DONE, on
        held.approved_by = held.approved_by or "Styregruppen"
        held.save(update_fields=["status", "completed_on", "approved_by", "updated_at"])


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    project = factory.SubFactory(ProjectFactory)
    kind = PhaseKind.CLARIFICATION
    started_on = date(2022, 1, 1)


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    project = factory.SubFactory(ProjectFactory)
    reported_on = date(2022, 6, 1)
    overall_status = TrafficLight.GREEN
    schedule_status = TrafficLight.GREEN
    budget_status = TrafficLight.GREEN
    benefits_status = TrafficLight.YELLOW
    progress = "Arbejdet går efter planen."


class BarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Barrier

    project = factory.SubFactory(ProjectFactory)
    category = BarrierCategory.LEGAL
    title = factory.Sequence(lambda n: f"Barriere {n}")
    description = "Uklart retsgrundlag."
    identified_on = date(2022, 3, 1)
    escalated = False
    # An escalated barrier says what the agency is asked to do, and since when.
    escalation_request = factory.Maybe(
        "escalated", "Vi beder styrelsen vurdere hjemmelsgrundlaget for drift.", ""
    )
    escalated_on = factory.Maybe("escalated", factory.LazyFunction(timezone.localdate), None)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    project = factory.SubFactory(ProjectFactory)
    decided_on = date(2022, 4, 1)
    title = factory.Sequence(lambda n: f"Beslutning {n}")
    description = "Styregruppen besluttede at fortsætte."


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonLearned

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Erfaring {n}")
    what_happened = "Det tog tid at få data."
    advice = "Start tidligt."
    category = LessonCategory.DATA
    learned_on = date(2022, 5, 1)


class ReviewNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewNote

    project = factory.SubFactory(ProjectFactory)
    text = "Hvordan går det med konsekvensanalysen?"


class OperationDecisionFactory(factory.django.DjangoModelFactory):
    """The lead organisation's decision to run the solution, unless told otherwise."""

    class Meta:
        model = OperationDecision

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.LazyAttribute(lambda decision: decision.project.lead_organisation)
    decision = OperationDecisionKind.IN_OPERATION
    decided_on = date(2024, 1, 15)
    decided_by = "Økonomiudvalget"


class BenefitIndicatorFactory(factory.django.DjangoModelFactory):
    """Hours spent on a task, to come down from 1.000 to 400 a year."""

    class Meta:
        model = BenefitIndicator

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.LazyAttribute(lambda indicator: indicator.project.lead_organisation)
    kind = BenefitKind.HOURS
    title = factory.Sequence(lambda n: f"Timer brugt på journalisering {n}")
    baseline_value = Decimal(1000)
    baseline_on = date(2022, 1, 1)
    baseline_method = "Tidsregistrering i fire uger."
    target_value = Decimal(400)
    target_on = date(2025, 12, 31)
    owner = "Afdelingsleder, Borgerservice"


class BenefitMeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitMeasurement

    indicator = factory.SubFactory(BenefitIndicatorFactory)
    measured_on = date(2023, 6, 1)
    value = Decimal(700)
    method = "Tidsregistrering i fire uger."


class SpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spending

    project = factory.SubFactory(ProjectFactory)
    year = 2023
    external_hours = 800
    external_dkk = 900_000
    internal_hours = 1_200
    internal_dkk = 600_000


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Leverandør {n} ApS")


class ProjectSupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectSupplier

    project = factory.SubFactory(ProjectFactory)
    supplier = factory.SubFactory(SupplierFactory)
    role = SupplierRole.DEVELOPMENT


class LegalQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalQuestion

    project = factory.SubFactory(ProjectFactory)
    question = factory.Sequence(lambda n: f"Juridisk spørgsmål {n}: må vi bruge data til træning?")
    legal_area = "gdpr"
    asked_to = "datatilsynet"
    asked_on = date(2023, 1, 10)


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation whose link carries `token` (pass one to open the link in a test)."""

    class Meta:
        model = "projects.Invitation"

    class Params:
        token = factory.Sequence(lambda n: f"invitation-token-{n}")

    email = factory.Sequence(lambda n: f"kollega{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.VIEWER
    invited_by = factory.SubFactory(UserFactory, is_superuser=True)
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
