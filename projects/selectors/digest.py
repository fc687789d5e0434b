"""What a user's digest says: only what the user may read (projects.access), and only what
needs them."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from projects.access import projects_visible_to, roles_of
from projects.models import (
    Barrier,
    BenefitIndicator,
    MeasurementFrequency,
    Project,
    ProjectObligation,
    ReviewNote,
    ReviewNoteKind,
)
from projects.selectors.portfolio import STALE_AFTER_DAYS

# How far ahead the digest warns of obligations and measurements falling due, and when a
# follow-up request counts as waiting long.
OBLIGATIONS_AHEAD = timedelta(days=30)
MEASUREMENTS_AHEAD = timedelta(days=14)
FOLLOW_UP_WAITING = timedelta(days=7)
# Each section lists this many rows and says how many there are in all.
SECTION_ROWS = 20

MONTHS = {
    MeasurementFrequency.MONTHLY: 1,
    MeasurementFrequency.QUARTERLY: 3,
    MeasurementFrequency.HALF_YEARLY: 6,
    MeasurementFrequency.YEARLY: 12,
}


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass
class Section:
    rows: list
    total: int


@dataclass
class DigestContent:
    stale: Section | None = None
    # The agency is told how many projects are stale, with a link to the filtered portfolio.
    stale_count: int = 0
    follow_ups: Section | None = None
    obligations: Section | None = None
    measurements: Section | None = None
    escalated: Section | None = None
    stale_after_days: int = STALE_AFTER_DAYS

    @property
    def is_empty(self) -> bool:
        return not self.stale_count and not any(
            section and section.total
            for section in (
                self.stale,
                self.follow_ups,
                self.obligations,
                self.measurements,
                self.escalated,
            )
        )


def _section(queryset: QuerySet) -> Section:
    rows = list(queryset[:SECTION_ROWS])
    total = len(rows) if len(rows) < SECTION_ROWS else queryset.count()
    return Section(rows=rows, total=total)


def measurement_due_on(indicator: BenefitIndicator) -> date | None:
    """When the indicator is next to be measured: its frequency after the latest measurement
    (or the baseline); unknown without either."""
    last = indicator.latest_on or indicator.baseline_on
    if last is None:
        return None
    return add_months(last, MONTHS.get(indicator.frequency, 6))


def digest_for(user, today: date) -> DigestContent:
    """The status part of the user's digest on `today`."""
    roles = roles_of(user)
    content = DigestContent()
    visible = projects_visible_to(user).filter(archived=False)
    live = visible.live()
    if roles.is_agency:
        content.stale_count = live.filter(Project.objects.stale_condition(STALE_AFTER_DAYS)).count()
        content.follow_ups = _section(
            ReviewNote.objects.filter(
                author=user,
                kind=ReviewNoteKind.FOLLOW_UP,
                closed_at__isnull=True,
                created_at__date__lt=today - FOLLOW_UP_WAITING + timedelta(days=1),
                project__in=visible.values("pk"),
            )
            .select_related("project")
            .order_by("created_at", "pk")
        )
        content.escalated = _section(
            Barrier.objects.open()
            .filter(escalated=True, project__in=visible.values("pk"))
            .select_related("project")
            .order_by("escalated_on", "pk")
        )
        return content
    own = list(roles.organisation_ids)
    led = live.filter(lead_organisation_id__in=own)
    content.stale = _section(
        led.filter(Project.objects.stale_condition(STALE_AFTER_DAYS)).order_by(
            "last_status_on", "title", "pk"
        )
    )
    # Review notes are between the agency and the lead organisation (access.can_read_reviews).
    content.follow_ups = _section(
        ReviewNote.objects.filter(
            kind=ReviewNoteKind.FOLLOW_UP,
            closed_at__isnull=True,
            created_at__date__lt=today - FOLLOW_UP_WAITING + timedelta(days=1),
            project__in=visible.filter(lead_organisation_id__in=own).values("pk"),
        )
        .select_related("project")
        .order_by("created_at", "pk")
    )
    content.obligations = _section(
        ProjectObligation.objects.open()
        .filter(project__in=led.values("pk"), due_on__lte=today + OBLIGATIONS_AHEAD)
        .select_related("project", "obligation")
        .order_by("due_on", "project__title", "pk")
    )
    # Benefits are measured after the project closed too: every visible project counts.
    due = []
    indicators = (
        BenefitIndicator.objects.filter(project__in=visible.values("pk"), organisation_id__in=own)
        .select_related("project")
        .order_by("project__title", "pk")
    )
    for indicator in indicators:
        due_on = measurement_due_on(indicator)
        if due_on is not None and due_on <= today + MEASUREMENTS_AHEAD:
            indicator.due_on = due_on
            due.append(indicator)
    due.sort(key=lambda indicator: (indicator.due_on, indicator.project.title, indicator.pk))
    content.measurements = Section(rows=due[:SECTION_ROWS], total=len(due))
    return content
