"""Filter sets for the portfolio list and the lessons library. Every choice offered is
narrowed to what the user may read; the whole filter lives in the URL."""

import copy

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceIterator

from projects import search
from projects.access import reading_scope
from projects.fixed_choices import FixedChoices
from projects.models import (
    AIActRiskClass,
    Area,
    Barrier,
    BarrierCategory,
    BarrierStatus,
    BenefitIndicator,
    DPIAStatus,
    FundingRound,
    LegalAddressee,
    LegalArea,
    LegalQuestionStatus,
    LessonCategory,
    ObligationStatus,
    OperationDecisionKind,
    Organisation,
    OrganisationKind,
    Outcome,
    Phase,
    PhaseKind,
    Project,
    StopReason,
    TrafficLight,
)
from projects.selectors.kept import kept
from projects.selectors.portfolio import (
    OBLIGATION_STATES,
    REALISATION_BANDS,
    SHARE_BANDS,
    combine_rows,
    has_decision,
    has_obligations,
    has_reason,
)

BARRIER_STATES = [("open", _("Open")), ("resolved", _("Resolved")), ("any", _("Any"))]
CLOSED_CHOICES = [
    ("exclude", _("Leave them out")),
    ("include", _("Include them")),
    ("only", _("Only them")),
]
YES = [("1", _("Yes"))]
FINISHED_CHOICES = [("yes", _("Yes")), ("no", _("No"))]
PARTNER_KINDS = [c for c in OrganisationKind.choices if c[0] != OrganisationKind.AGENCY]
NO_ROUND = _("No funding round")
# Sorting on these puts the projects without a figure last, in either direction.
NULLS_LAST = {"realisation_percent", "consultant_share"}


class PortfolioOrderingFilter(django_filters.OrderingFilter):
    """Sorting by a column, then by title, so that pages do not shuffle equal rows; projects
    without a realisation or consultant share come last either way."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        name = value.lstrip("-")
        if name in NULLS_LAST:
            return (
                F(name).desc(nulls_last=True)
                if value.startswith("-")
                else F(name).asc(nulls_last=True)
            )
        return value

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "title", "pk") if value else qs


def finished_filter(queryset, field: str, value: str):
    """Finished pilots: their outcome is no longer "ongoing"."""
    if value == "yes":
        return queryset.exclude(**{field: Outcome.ONGOING})
    if value == "no":
        return queryset.filter(**{field: Outcome.ONGOING})
    return queryset


def phase_order():
    """The phases in their life-cycle order, for sorting."""
    return Case(
        *[When(current_phase=kind, then=Value(kind.order)) for kind in PhaseKind],
        default=Value(0),
        output_field=IntegerField(),
    )


class ListFilterSet(django_filters.FilterSet):
    """A filter set whose form class is made once, and whose copies share fixed choices.

    django-filter makes a new form class, with a new field for every filter, on each request,
    and Django and django-filter then deep-copy every filter and field with all its choices:
    together more than the rest of building the filter. The form class here is made from the
    class's own filters, never an instance's, so nothing of one reader (the organisations
    offered to them, say) stays in it; each instance offers its own on its form's copies."""

    _form_classes: dict[type, type] = {}

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if "_choices_fixed" not in cls.__dict__:
            for class_filter in cls.base_filters.values():
                choices = class_filter.extra.get("choices")
                if isinstance(choices, list):
                    class_filter.extra["choices"] = FixedChoices(choices)
            cls._choices_fixed = True
        super().__init__(*args, **kwargs)

    def get_form_class(self):
        cls = type(self)
        form_class = ListFilterSet._form_classes.get(cls)
        if form_class is None:
            fields = {name: f.field for name, f in copy.deepcopy(cls.base_filters).items()}
            for field in fields.values():
                if isinstance(field, forms.ModelChoiceField):
                    continue
                choices = getattr(field, "_choices", None)
                if isinstance(choices, ChoiceIterator) and isinstance(choices.choices, list):
                    # django-filter's choice fields wrap their choices (field and widget alike).
                    choices.choices = FixedChoices(choices.choices)
                elif isinstance(choices, list):
                    field._choices = field.widget.choices = FixedChoices(choices)
            form_class = type(f"{cls.__name__}Form", (self._meta.form,), fields)
            ListFilterSet._form_classes[cls] = form_class
        return form_class


class KeptChoicesMixin:
    """A filter set whose choices read from tables (`KEPT_CHOICES`) are kept while the data is
    unchanged (`selectors.kept`), the same for everyone who may read the same records: the
    organisations behind what a user may read take a pass over those records."""

    KEPT_CHOICES: tuple[str, ...] = ()

    def offer_kept_choices(self, user) -> None:
        """Offer the kept choices. Only what the form shows: a chosen value is still validated
        against the database."""

        def read() -> dict[str, list[tuple[str, str]]]:
            return {
                name: FixedChoices(
                    (str(value), str(label)) for value, label in self.form.fields[name].choices
                )
                for name in self.KEPT_CHOICES
            }

        choices, _state = kept(f"{type(self).__name__}.choices", reading_scope(user), read)
        for name, offered in choices.items():
            # Set as Django's setter sets them, without copying the kept list: a model choice
            # field then offers this list (django-filter's setter would wrap it in an
            # iterator made for plain choice fields).
            field = self.form.fields[name]
            field._choices = field.widget.choices = offered


class ProjectFilter(KeptChoicesMixin, ListFilterSet):
    KEPT_CHOICES = ("lead_organisation", "funding_round")

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    current_phase = django_filters.MultipleChoiceFilter(
        label=_("Current phase"), choices=PhaseKind.choices, widget=forms.CheckboxSelectMultiple
    )
    reached = django_filters.ChoiceFilter(
        label=_("Reached phase"), choices=PhaseKind.choices, method="filter_reached"
    )
    outcome = django_filters.MultipleChoiceFilter(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.CheckboxSelectMultiple
    )
    current_status = django_filters.MultipleChoiceFilter(
        label=_("Overall status"), choices=TrafficLight.choices, widget=forms.CheckboxSelectMultiple
    )
    lead_organisation = django_filters.ModelChoiceFilter(
        label=_("Lead organisation"), queryset=Organisation.objects.none()
    )
    organisation_kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"),
        field_name="lead_organisation__kind",
        choices=PARTNER_KINDS,
    )
    area = django_filters.MultipleChoiceFilter(
        label=_("Area"), choices=Area.choices, widget=forms.CheckboxSelectMultiple
    )
    funding_round = django_filters.ModelChoiceFilter(
        label=_("Funding round"), queryset=FundingRound.objects.all(), null_label=NO_ROUND
    )
    finished = django_filters.ChoiceFilter(
        label=_("Finished (no longer ongoing)"), choices=FINISHED_CHOICES, method="filter_finished"
    )
    decision = django_filters.ChoiceFilter(
        label=_("An organisation's operation decision"),
        choices=OperationDecisionKind.choices,
        method="filter_decision",
    )
    reason_category = django_filters.ChoiceFilter(
        label=_("Reason (an organisation's decision or the project's closing)"),
        choices=StopReason.choices,
        method="filter_reason",
    )
    closing_reason = django_filters.ChoiceFilter(
        label=_("Reason the project closed without operation"), choices=StopReason.choices
    )
    realisation = django_filters.ChoiceFilter(
        label=_("Benefits realised"),
        choices=[(value, label) for value, label, _condition in REALISATION_BANDS],
        method="filter_realisation",
    )
    consultant_share = django_filters.ChoiceFilter(
        label=_("External consultants' share of the spending"),
        choices=[(value, label) for value, label, _condition in SHARE_BANDS],
        method="filter_consultant_share",
    )
    barrier_category = django_filters.ChoiceFilter(
        label=_("Barrier category"), choices=BarrierCategory.choices, method="filter_noop"
    )
    barrier_phase = django_filters.ChoiceFilter(
        label=_("Barrier arose in phase"), choices=PhaseKind.choices, method="filter_noop"
    )
    barrier_state = django_filters.ChoiceFilter(
        label=_("Barrier state"),
        choices=BARRIER_STATES,
        empty_label=None,
        method="filter_noop",
    )
    ai_act_risk_class = django_filters.MultipleChoiceFilter(
        label=_("AI Act risk class"),
        choices=AIActRiskClass.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    dpia_status = django_filters.MultipleChoiceFilter(
        label=_("DPIA status"), choices=DPIAStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    obligations = django_filters.ChoiceFilter(
        label=_("AI Act obligations"), choices=OBLIGATION_STATES, method="filter_obligations"
    )
    obligation_status = django_filters.ChoiceFilter(
        label=_("Has an AI Act obligation with the status"),
        choices=ObligationStatus.choices,
        method="filter_obligations",
    )
    stale_days = django_filters.NumberFilter(
        label=_("No status update for more than (days)"),
        method="filter_stale",
        min_value=0,
        max_value=36500,
    )
    help_requested = django_filters.ChoiceFilter(
        label=_("Help requested from the agency"), choices=YES, method="filter_help"
    )
    escalated = django_filters.ChoiceFilter(
        label=_("Escalated barrier"), choices=YES, method="filter_escalated"
    )
    closed = django_filters.ChoiceFilter(
        label=_("Stopped and closed projects"),
        choices=CLOSED_CHOICES,
        method="filter_noop",
        empty_label=_("Left out when looking for what needs attention"),
    )
    benefits = django_filters.ChoiceFilter(
        label=_("Benefits"),
        choices=[
            ("expected", _("Has a benefit indicator with a target")),
            ("realised", _("Has a measured benefit indicator")),
        ],
        method="filter_benefits",
    )
    order = PortfolioOrderingFilter(
        label=_("Sort by"),
        fields=[
            ("title", "title"),
            ("lead_organisation__name", "organisation"),
            ("phase_order", "phase"),
            ("current_status_order", "status"),
            ("last_status_on", "updated"),
            ("outcome", "outcome"),
            ("grant_dkk", "grant"),
            ("realisation_percent", "realisation"),
            ("consultant_share", "consultant_share"),
        ],
        field_labels={
            "title": _("Title"),
            "lead_organisation__name": _("Lead organisation"),
            "phase_order": _("Phase"),
            "current_status_order": _("Status"),
            "last_status_on": _("Latest update"),
            "outcome": _("Outcome"),
            "grant_dkk": _("Grant"),
            "realisation_percent": _("Benefits realised"),
            "consultant_share": _("Consultants' share"),
        },
    )

    def __init__(self, data=None, queryset=None, *, request=None, organisations=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # Every choice filter here is on a column of the project itself (or of its lead
        # organisation), which cannot repeat a row: no DISTINCT over the whole list.
        for project_filter in self.filters.values():
            project_filter.distinct = False
        if organisations is not None:
            self.filters["lead_organisation"].queryset = organisations
            self.form.fields["lead_organisation"].queryset = organisations

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            queryset = super().qs
            if self.is_bound:
                # Like every other filter, a field with an invalid value is left out.
                queryset = self.filter_barriers(queryset, self.form.cleaned_data)
                queryset = self.filter_closed(queryset, self.form.cleaned_data)
            self._qs = queryset
        return self._qs

    def filter_queryset(self, queryset):
        queryset = queryset.annotate(
            phase_order=phase_order(),
            current_status_order=Case(
                When(current_status=TrafficLight.RED, then=Value(3)),
                When(current_status=TrafficLight.YELLOW, then=Value(2)),
                When(current_status=TrafficLight.GREEN, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        return super().filter_queryset(queryset)

    def filter_noop(self, queryset, name, value):
        return queryset  # combined in filter_barriers

    @staticmethod
    def filter_barriers(queryset, data):
        """Projects with a barrier matching category, phase and state together."""
        category, phase = data.get("barrier_category"), data.get("barrier_phase")
        if not category and not phase:
            return queryset
        barriers = Barrier.objects.filter(project=OuterRef("pk"))
        if category:
            barriers = barriers.filter(category=category)
        if phase:
            barriers = barriers.filter(phase=phase)
        state = data.get("barrier_state") or "open"
        if state == "open":
            barriers = barriers.filter(status__in=BarrierStatus.open_values())
        elif state == "resolved":
            barriers = barriers.exclude(status__in=BarrierStatus.open_values())
        return queryset.filter(Exists(barriers))

    @staticmethod
    def asks_for_attention(data) -> bool:
        """Looking for what needs follow-up: stale, help, escalated or open barriers, open or
        overdue AI Act obligations."""
        open_barriers = (data.get("barrier_category") or data.get("barrier_phase")) and (
            data.get("barrier_state") or "open"
        ) == "open"
        return bool(
            data.get("stale_days") is not None
            or data.get("help_requested")
            or data.get("escalated")
            or data.get("obligations")
            or open_barriers
        )

    @classmethod
    def filter_closed(cls, queryset, data):
        """Stopped and closed projects need no follow-up: left out of attention searches
        unless asked for."""
        choice = data.get("closed") or ("exclude" if cls.asks_for_attention(data) else "include")
        if choice == "exclude":
            return queryset.live()
        if choice == "only":
            return queryset.filter(outcome__in=Outcome.closed_values())
        return queryset

    def filter_text(self, queryset, name, value):
        """A part of the title, summary or lead organisation's name, or a Danish word form
        of a word in the title or summary ("underretningerne" finds "underretninger")."""
        value = value.strip()
        if not value:
            return queryset
        # The word-form match as a set of its own, which PostgreSQL reads from its index
        # (migration 0026) rather than stemming every project inside the OR.
        stemmed = Project.objects.filter(search.matches(queryset, value, search.PROJECTS))
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(lead_organisation__name__icontains=value)
            | Q(pk__in=stemmed.values("pk"))
        )

    def filter_reached(self, queryset, name, value):
        return queryset.filter(Exists(Phase.objects.filter(project=OuterRef("pk"), kind=value)))

    def filter_stale(self, queryset, name, value):
        return queryset.stale(int(value))

    def filter_help(self, queryset, name, value):
        return queryset.filter(help_requested=True)

    def filter_obligations(self, queryset, name, value):
        return queryset.filter(has_obligations(value))

    def filter_escalated(self, queryset, name, value):
        return queryset.filter(Project.objects.escalated_barrier())

    def filter_benefits(self, queryset, name, value):
        indicators = BenefitIndicator.objects.filter(project=OuterRef("pk"))
        if value == "realised":
            return queryset.filter(Exists(indicators.filter(latest_value__isnull=False)))
        return queryset.filter(Exists(indicators.filter(target_value__isnull=False)))

    def filter_finished(self, queryset, name, value):
        return finished_filter(queryset, "outcome", value)

    def filter_decision(self, queryset, name, value):
        return queryset.filter(has_decision(value))

    def filter_reason(self, queryset, name, value):
        return queryset.filter(has_reason(value))

    def filter_realisation(self, queryset, name, value):
        return queryset.filter({v: c for v, _label, c in REALISATION_BANDS}[value])

    def filter_consultant_share(self, queryset, name, value):
        return queryset.filter({v: c for v, _label, c in SHARE_BANDS}[value])


class OperationDecisionFilter(ListFilterSet):
    """The operation decisions across the portfolio: one row per organisation on a project
    (see selectors.portfolio.organisation_row_parts), filtered part by part and combined."""

    funding_round = django_filters.ModelChoiceFilter(
        label=_("Funding round"),
        queryset=FundingRound.objects.all(),
        null_label=NO_ROUND,
        method="filter_round",
    )
    decision = django_filters.ChoiceFilter(
        label=_("Decision"), choices=OperationDecisionKind.choices, field_name="decision_kind"
    )
    reason_category = django_filters.ChoiceFilter(
        label=_("Reason"), choices=StopReason.choices, field_name="reason_category"
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.none(), method="filter_organisation"
    )
    organisation_kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"), choices=PARTNER_KINDS, field_name="organisation_kind"
    )
    finished = django_filters.ChoiceFilter(
        label=_("Project finished (no longer ongoing)"),
        choices=FINISHED_CHOICES,
        method="filter_finished",
    )

    def __init__(self, data=None, parts=(), *, request=None, organisations=None):
        super().__init__(data, parts[0], request=request)
        self.parts = parts
        if organisations is not None:
            self.filters["organisation"].queryset = organisations
            self.form.fields["organisation"].queryset = organisations

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            parts = [part.all() for part in self.parts]
            if self.is_bound:
                self.errors  # noqa: B018 (validates: a field with an invalid value is left out)
                parts = [self.filter_queryset(part) for part in parts]
            self._qs = combine_rows(parts)
        return self._qs

    def filter_round(self, queryset, name, value):
        if value == self.filters["funding_round"].null_value:
            return queryset.filter(round_ref__isnull=True)
        return queryset.filter(round_ref=value.pk)

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(organisation_ref=value.pk)

    def filter_finished(self, queryset, name, value):
        return finished_filter(queryset, "project_outcome", value)


class LessonFilter(KeptChoicesMixin, ListFilterSet):
    KEPT_CHOICES = ("organisation",)

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=LessonCategory.choices)
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=PhaseKind.choices)
    area = django_filters.ChoiceFilter(
        label=_("Area"), field_name="project__area", choices=Area.choices
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        field_name="project__lead_organisation",
        queryset=Organisation.objects.none(),
    )

    def __init__(self, data=None, queryset=None, *, request=None, organisations=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        if organisations is not None:
            self.filters["organisation"].queryset = organisations
            self.form.fields["organisation"].queryset = organisations

    def filter_text(self, queryset, name, value):
        return search_lessons(queryset, value)


def search_lessons(queryset, text: str):
    """Full-text search of title, advice, what happened and the category's labels, in Danish
    on PostgreSQL and SQLite alike (so "journaliseringen" finds "journalisering"), ranked
    with the title first (see projects.search)."""
    return search.search(queryset, text, search.LESSONS)


class LegalQuestionFilter(ListFilterSet):
    """The library of legal questions and shared answers."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    legal_area = django_filters.MultipleChoiceFilter(
        label=_("Legal area"), choices=LegalArea.choices, widget=forms.CheckboxSelectMultiple
    )
    asked_to = django_filters.ChoiceFilter(label=_("Put to"), choices=LegalAddressee.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LegalQuestionStatus.choices)

    def filter_text(self, queryset, name, value):
        return search_legal_questions(queryset, value)


def search_legal_questions(queryset, text: str):
    """Full-text search of questions, answers and the legal area's labels, as
    `search_lessons` (so "behandlingsgrundlag" finds "behandlingsgrundlaget"); on PostgreSQL
    answered from the GIN index `legal_question_search_danish`."""
    return search.search(queryset, text, search.LEGAL_QUESTIONS)
