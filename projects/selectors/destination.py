"""Where a project ends up, as its page shows it: each organisation's operation decision, the
benefit indicators with their measurements, the spending per year and the suppliers. A fixed
number of queries, however many organisations, indicators and measurements there are."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from projects.access import ProjectAccess
from projects.models import (
    BenefitIndicator,
    BenefitMeasurement,
    OperationDecision,
    Organisation,
    Participation,
    ParticipationKind,
    ProjectSupplier,
    Realisation,
    Spending,
    consultant_share,
)

_ROLE_ORDER = {ParticipationKind.PARTNER: 1, ParticipationKind.ADOPTER: 2}


@dataclass(frozen=True)
class IndicatorRow:
    indicator: BenefitIndicator
    measurements: list[BenefitMeasurement]  # newest first
    may_record: bool

    @property
    def realisation(self) -> Realisation:
        return self.indicator.realisation


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    role: str
    decision: OperationDecision | None
    may_record: bool
    indicators: list[IndicatorRow] = field(default_factory=list)


@dataclass(frozen=True)
class SpendingTotal:
    external_hours: int
    external_dkk: int
    internal_hours: int
    internal_dkk: int

    @property
    def external_share(self):
        return consultant_share(self.external_dkk, self.internal_dkk)


@dataclass(frozen=True)
class Destination:
    organisations: list[OrganisationRow]
    # Indicators of an organisation that has left the project since (kept, not lost).
    other_indicators: list[IndicatorRow]
    spending: list[Spending]
    spending_total: SpendingTotal | None
    suppliers: list[ProjectSupplier]

    @property
    def indicator_count(self) -> int:
        return sum(len(row.indicators) for row in self.organisations) + len(self.other_indicators)

    @property
    def with_indicators(self) -> list[OrganisationRow]:
        return [row for row in self.organisations if row.indicators]


def project_destination(access: ProjectAccess) -> Destination:
    project = access.project
    participations = sorted(
        Participation.objects.filter(project=project).select_related("organisation"),
        key=lambda p: (_ROLE_ORDER.get(p.kind, 3), p.organisation.name.lower()),
    )
    decisions = {
        decision.organisation_id: decision
        for decision in OperationDecision.objects.filter(project=project).select_related("author")
    }
    measurements = BenefitMeasurement.objects.select_related("entered_by").order_by(
        "-measured_on", "-pk"
    )
    indicators = (
        BenefitIndicator.objects.filter(project=project)
        .select_related("organisation")
        .prefetch_related(Prefetch("measurements", queryset=measurements))
        .order_by("kind", "pk")
    )
    by_organisation: dict[int, list[IndicatorRow]] = {}
    for indicator in indicators:
        indicator.project = project
        row = IndicatorRow(
            indicator=indicator,
            measurements=list(indicator.measurements.all()),
            may_record=access.may_record_for(indicator.organisation_id),
        )
        by_organisation.setdefault(indicator.organisation_id, []).append(row)

    def row_of(organisation: Organisation, role: str) -> OrganisationRow:
        return OrganisationRow(
            organisation=organisation,
            role=role,
            decision=decisions.get(organisation.pk),
            may_record=access.may_record_for(organisation.pk),
            indicators=by_organisation.pop(organisation.pk, []),
        )

    rows = [row_of(project.lead_organisation, _("Lead organisation"))]
    rows += [
        row_of(participation.organisation, ParticipationKind(participation.kind).label)
        for participation in participations
    ]
    spending = list(Spending.objects.filter(project=project).order_by("year"))
    total = None
    if len(spending) > 1:
        total = SpendingTotal(
            *(
                sum(getattr(row, name) for row in spending)
                for name in ("external_hours", "external_dkk", "internal_hours", "internal_dkk")
            )
        )
    return Destination(
        organisations=rows,
        other_indicators=[row for left in by_organisation.values() for row in left],
        spending=spending,
        spending_total=total,
        suppliers=list(
            ProjectSupplier.objects.filter(project=project)
            .select_related("supplier")
            .order_by("supplier__name", "role")
        ),
    )
