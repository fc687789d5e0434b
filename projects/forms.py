"""Forms for the coordinator's workflow. Choices are narrowed to what the user may pick;
the rules a record keeps are its model's (`clean()` and constraints), not repeated here."""

import uuid

from django import forms
from django.db.models import Q, URLField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.access import UserRoles
from projects.models import (
    Barrier,
    BenefitIndicator,
    BenefitMeasurement,
    Decision,
    DecisionKind,
    GateDecision,
    LegalArea,
    LegalQuestion,
    LegalQuestionStatus,
    LessonLearned,
    ObligationStatus,
    OperationDecision,
    OperationDecisionKind,
    Organisation,
    Outcome,
    Participation,
    ParticipationKind,
    Phase,
    Project,
    ProjectObligation,
    ProjectSupplier,
    ReviewNote,
    ReviewNoteKind,
    Spending,
    StatusUpdate,
    StopReason,
    TrafficLight,
)
from projects.models.destination import cvr_validator
from projects.models.text import (
    EXPLANATION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    LimitedTextFormField,
)
from projects.numbers import DanishDecimalField
from projects.services.projects import BARRIER_CLOSED, BARRIER_KEPT_OPEN, BARRIER_RESOLVED


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_in_future(value, field_label):
    if value and value > timezone.localdate():
        raise forms.ValidationError(
            _("%(field)s cannot be in the future.") % {"field": field_label}
        )
    return value


class OneTimeFormMixin(forms.Form):
    """A create form carries a token made when the form was shown; the first save spends it,
    so the same form sent again (back button, double click, a retry) saves nothing twice."""

    submission_token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The form has expired. Open it again to save."),
            "invalid": _("The form has expired. Open it again to save."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"].initial = uuid.uuid4()


class VersionField(forms.IntegerField):
    """The version of the record when the form was opened, sent back with the form."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


class VersionedModelForm(OneTimeFormMixin, forms.ModelForm):
    """Edits carry the version they were opened at; new records a one-time token instead."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["submission_token"]
        else:
            del self.fields["version"]

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0

    @property
    def edited_fields(self) -> list[str]:
        """The model fields this form changes (many-to-many ones are set separately)."""
        many_to_many = {field.name for field in self._meta.model._meta.many_to_many}
        return [
            name
            for name in self._meta.fields
            if name in self.fields and not self.fields[name].disabled and name not in many_to_many
        ]


def _https_links(field, **kwargs):
    """Form fields as the model's, with a link typed without a scheme taken as https."""
    if isinstance(field, URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ProjectForm(VersionedModelForm):
    """The project profile, including the legal and risk profile. Participants are partners
    in the pilot, or organisations that joined later to adopt the solution."""

    adopters = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Organisations that joined to adopt the solution"),
        help_text=_("The solution is spread when one of them puts it into operation."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "lead_organisation",
            "participants",
            "funding_round",
            "area",
            "ai_technique",
            "grant_dkk",
            "total_budget_dkk",
            "project_owner",
            "contact_name",
            "contact_email",
            "start_date",
            "planned_end_date",
            "personal_data",
            "legal_basis",
            "dpia_status",
            "dpia_completed_on",
            "dpia_link",
            "dpia_approved_by",
            "ai_act_risk_class",
            "ai_act_role",
            "annex_iii_area",
            "medical_device",
            "benefits_note",
        ]
        formfield_callback = _https_links
        help_texts = {
            "dpia_link": _(
                "A link to the DPIA in the organisation's own archive (for example its case "
                "and document management system). The document itself is not stored here."
            ),
            "dpia_approved_by": _(
                "Who approved the DPIA, for example the head of department after the data "
                "protection officer's advice."
            ),
            "ai_act_risk_class": _(
                "The risk class under the EU AI Act. High-risk systems bring the most "
                "obligations; the project's obligations are derived from this, the role and "
                "the Annex III area."
            ),
            "ai_act_role": _(
                "Provider: the project develops the system and puts it on the market or into "
                "service under its own name. Deployer: the organisation uses a system under "
                "its authority."
            ),
            "annex_iii_area": _(
                "Annex III of the AI Act lists the areas in which an AI system is high-risk, "
                "for example access to essential public services and benefits (5) or "
                "employment (4). Choose the area the system is used in, or none. Some "
                "obligations, such as the fundamental-rights impact assessment (art. 27), "
                "apply only in these areas."
            ),
        }
        widgets = {
            "start_date": DateInput(),
            "planned_end_date": DateInput(),
            "dpia_completed_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "benefits_note": forms.Textarea(attrs={"rows": 2}),
            "participants": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, roles: UserRoles, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Organisation.objects.active().partners()
        if roles.is_agency_admin:
            self.fields["lead_organisation"].queryset = partners
        elif self.instance.pk:
            # Only the agency moves a project to another organisation.
            self.fields["lead_organisation"].queryset = Organisation.objects.filter(
                pk=self.instance.lead_organisation_id
            )
            self.fields["lead_organisation"].disabled = True
        else:
            self.fields["lead_organisation"].queryset = partners.filter(
                pk__in=roles.coordinator_organisation_ids
            )
        self.fields["participants"].queryset = partners
        self.fields["participants"].label = _("Partners in the pilot")
        self.fields["adopters"].queryset = partners
        if self.instance.pk:
            kinds = dict(
                Participation.objects.filter(project=self.instance).values_list(
                    "organisation_id", "kind"
                )
            )
            self.initial["participants"] = [
                pk for pk, kind in kinds.items() if kind == ParticipationKind.PARTNER
            ]
            self.initial["adopters"] = [
                pk for pk, kind in kinds.items() if kind == ParticipationKind.ADOPTER
            ]
        # The amount fields refuse negatives themselves (projects.numbers.AmountField).

    def clean_dpia_completed_on(self):
        return _not_in_future(self.cleaned_data.get("dpia_completed_on"), _("The DPIA date"))

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead_organisation")
        partners = set(cleaned.get("participants") or [])
        adopters = set(cleaned.get("adopters") or [])
        if lead and lead in partners:
            self.add_error("participants", _("The lead organisation is not also a participant."))
        if lead and lead in adopters:
            self.add_error("adopters", _("The lead organisation is not also a participant."))
        if partners & adopters:
            self.add_error(
                "adopters",
                _("%(names)s cannot be both a partner and an adopter.")
                % {"names": ", ".join(sorted(str(o) for o in partners & adopters))},
            )
        if self.instance.pk and lead:
            staying = {lead.pk} | {o.pk for o in partners | adopters}
            leaving = (
                Organisation.objects.filter(
                    Q(operation_decisions__project=self.instance)
                    | Q(benefit_indicators__project=self.instance)
                )
                .exclude(pk__in=staying)
                .distinct()
            )
            if leaving:
                self.add_error(
                    None,
                    _(
                        "%(names)s has recorded an operation decision or benefits on the "
                        "project and stays on it."
                    )
                    % {"names": ", ".join(str(o) for o in leaving)},
                )
        return cleaned


BARRIER_CHOICES = [
    (BARRIER_CLOSED, _("Close it with the project")),
    (BARRIER_RESOLVED, _("It was resolved")),
    (BARRIER_KEPT_OPEN, _("Keep it open (say why)")),
]


class TrafficLightField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(choices=TrafficLight.choices, **kwargs)


class StatusUpdateForm(OneTimeFormMixin, forms.ModelForm):
    overall_status = TrafficLightField(label=_("Overall status"))
    schedule_status = TrafficLightField(label=_("Schedule"))
    budget_status = TrafficLightField(label=_("Budget"))
    benefits_status = TrafficLightField(label=_("Benefits"))

    class Meta:
        model = StatusUpdate
        fields = [
            "reported_on",
            "overall_status",
            "schedule_status",
            "budget_status",
            "benefits_status",
            "progress",
            "next_steps",
            "help_needed",
            "help_text",
        ]
        widgets = {
            "reported_on": DateInput(),
            "progress": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "help_text": forms.Textarea(attrs={"rows": 2}),
        }


class GateDecisionForm(forms.Form):
    phase_id = VersionField()
    phase_version = VersionField()
    decision = forms.ChoiceField(
        label=_("Gate decision"), choices=GateDecision.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    decided_by = forms.CharField(
        label=_("Decided by"), max_length=200, help_text=_("For example the steering group.")
    )
    # The limits of the phase fields these are stored in.
    rationale = LimitedTextFormField(
        label=_("Rationale"),
        max_length=EXPLANATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    conditions = LimitedTextFormField(
        label=_("Conditions"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the decision is go with conditions."),
    )

    closing_outcome = forms.ChoiceField(
        label=_("When stopping: how the project ends"),
        choices=[(value, Outcome(value).label) for value in Outcome.closed_values()],
        initial=Outcome.STOPPED,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Stopped: the work was broken off. Closed without operation: the project was "
            "completed but the solution is not put into use."
        ),
    )

    closing_reason = forms.ChoiceField(
        label=_("When stopping: the main reason"),
        choices=[("", "---------"), *StopReason.choices],
        required=False,
    )
    closing_explanation = LimitedTextFormField(
        label=_("When stopping: why the solution is not put into operation"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the agency and, through the portfolio, to other projects."),
    )

    def __init__(
        self,
        *args,
        phase: Phase | None,
        open_barriers: list[Barrier],
        may_override_obligations: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.phase = phase
        self.open_barriers = open_barriers
        if phase is not None:
            self.fields["phase_id"].initial = phase.pk
            self.fields["phase_version"].initial = phase.version
        # Going into operation with AI Act obligations open: agency administrators only.
        if may_override_obligations:
            self.fields["override_reason"] = LimitedTextFormField(
                label=_("Allow going on with open obligations: the reason"),
                max_length=NOTE_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "For agency administrators. Fill this in only to let the project go into "
                    "operation although the obligations listed above are open; the reason "
                    "and your name are recorded on the phase. Leave it empty otherwise."
                ),
            )
            self.order_fields(
                [
                    *("phase_id", "phase_version", "decision", "decided_on", "decided_by"),
                    *("rationale", "conditions", "override_reason"),
                ]
            )
        # When the project stops, each open barrier is resolved, closed with it, or kept
        # open for a reason, so that dead projects do not fill the lists of open barriers.
        for barrier in open_barriers:
            self.fields[f"barrier_{barrier.pk}_action"] = forms.ChoiceField(
                label=_("When stopping: the open barrier “%(title)s”") % {"title": barrier.title},
                choices=BARRIER_CHOICES,
                initial=BARRIER_CLOSED,
                required=False,
                widget=forms.RadioSelect,
            )
            # Stored as the barrier's resolution or its reason to stay open, which share
            # one limit.
            self.fields[f"barrier_{barrier.pk}_text"] = LimitedTextFormField(
                label=_("“%(title)s”: how it was resolved, or why it stays open")
                % {"title": barrier.title},
                max_length=EXPLANATION_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def barrier_outcomes(self) -> dict[int, tuple[str, str]]:
        """What the form says about each open barrier it named (the service asks for any
        barrier left out, or opened since)."""
        return {
            barrier.pk: (
                self.cleaned_data[f"barrier_{barrier.pk}_action"],
                self.cleaned_data[f"barrier_{barrier.pk}_text"],
            )
            for barrier in self.open_barriers
            if self.cleaned_data.get(f"barrier_{barrier.pk}_action")
        }

    @property
    def expected_phase(self) -> tuple[int, int]:
        return (self.cleaned_data.get("phase_id") or 0, self.cleaned_data.get("phase_version") or 0)

    @property
    def override_reason(self) -> str:
        """The administrator's reason for going on with open obligations ("" without one,
        and always for those who are not offered the field)."""
        if "override_reason" not in self.fields:
            return ""
        return (self.cleaned_data.get("override_reason") or "").strip()

    def clean_decided_on(self):
        return _not_in_future(self.cleaned_data.get("decided_on"), _("The decision date"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == GateDecision.STOP:
            if not cleaned.get("closing_reason"):
                self.add_error("closing_reason", _("Choose the main reason for stopping."))
            if not (cleaned.get("closing_explanation") or "").strip():
                self.add_error(
                    "closing_explanation",
                    _("Explain why the solution is not put into operation."),
                )
        return cleaned


class ProjectObligationForm(VersionedModelForm):
    """How far the project has met one of its AI Act obligations."""

    class Meta:
        model = ProjectObligation
        fields = [
            "status",
            "not_applicable_reason",
            "owner",
            "completed_on",
            "approved_by",
            "evidence",
        ]
        labels = {"not_applicable_reason": _("Why it does not apply")}
        help_texts = {
            "not_applicable_reason": _("Required when the status is not applicable."),
            "owner": _("Who in the organisation sees to it that the obligation is met."),
            "completed_on": _("When the obligation was met."),
            "approved_by": _("Who approved that it is met, for example the steering group."),
        }
        widgets = {
            "status": forms.RadioSelect(),
            "not_applicable_reason": forms.Textarea(attrs={"rows": 2}),
            "completed_on": DateInput(),
            "evidence": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A status is always one of the four: no empty choice among the radio buttons.
        self.fields["status"].choices = ObligationStatus.choices


class BarrierForm(VersionedModelForm):
    class Meta:
        model = Barrier
        fields = [
            "category",
            "title",
            "description",
            "severity",
            "status",
            "phase",
            "identified_on",
            "resolved_on",
            "resolution",
            "escalated",
            "escalation_request",
        ]
        widgets = {
            "identified_on": DateInput(),
            "resolved_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "resolution": forms.Textarea(attrs={"rows": 3}),
            "escalation_request": forms.Textarea(attrs={"rows": 3}),
        }


class EscalateBarrierForm(forms.Form):
    """What the agency is asked to do about a barrier: the agency reads it on its dashboard
    and the project's timeline."""

    escalation_request = LimitedTextFormField(
        label=_("What is the agency asked to do?"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: assess the legal basis, put us in touch with a project that solved "
            "the same, or raise the question with another authority."
        ),
    )


class ResolveBarrierForm(forms.Form):
    version = VersionField()
    resolution = LimitedTextFormField(
        label=_("Resolution"),
        max_length=EXPLANATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How was the barrier resolved? Others can learn from it."),
    )
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput())


class DecisionForm(OneTimeFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = [
            "decided_on",
            "title",
            "kind",
            "description",
            "rationale",
            "decided_by",
            "barriers",
        ]
        widgets = {
            "decided_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "barriers": forms.CheckboxSelectMultiple(),
        }

    resolves_barrier = forms.BooleanField(
        label=_("This decision resolves the barrier"),
        required=False,
        help_text=_(
            "The related barriers are marked as resolved on the decision's date, with what "
            "was decided as their resolution."
        ),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["barriers"].queryset = Barrier.objects.filter(project=project)
        # Gate decisions are made through the phase form, which also moves the phase.
        self.fields["kind"].choices = [
            choice for choice in DecisionKind.choices if choice[0] != DecisionKind.GATE
        ]


class LessonForm(OneTimeFormMixin, forms.ModelForm):
    class Meta:
        model = LessonLearned
        fields = [
            "title",
            "category",
            "phase",
            "what_happened",
            "advice",
            "visibility",
            "barrier",
            "learned_on",
        ]
        widgets = {
            "learned_on": DateInput(),
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "advice": forms.Textarea(attrs={"rows": 4}),
            "visibility": forms.RadioSelect(),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["barrier"].queryset = Barrier.objects.filter(project=project)


class SourceBarrierForm(forms.Form):
    """The barrier a lesson is written from, as the lesson form's link names it."""

    barrier = forms.IntegerField(min_value=1)


def source_barrier(project: Project, query) -> Barrier | None:
    """The barrier named in the query string, if it is one of this project's."""
    form = SourceBarrierForm(query)
    if not form.is_valid():
        return None
    return Barrier.objects.filter(project=project, pk=form.cleaned_data["barrier"]).first()


class ReviewNoteForm(OneTimeFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewNote
        fields = ["kind", "text"]
        widgets = {"kind": forms.RadioSelect(), "text": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "kind": _("A follow-up request asks the project to answer; a note is for the record."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = ReviewNoteKind.FOLLOW_UP


class ReviewAnswerForm(forms.Form):
    version = VersionField()
    answer = LimitedTextFormField(
        label=_("Answer"),
        max_length=EXPLANATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


# Where the project ends up: operation decisions, benefits, spending and suppliers.


class OperationDecisionForm(OneTimeFormMixin, forms.ModelForm):
    """One organisation's decision on running the solution, recorded or changed. The form
    carries the version of the decision it shows (0 when there is none yet), so a decision
    someone else saved meanwhile is not overwritten; recording the first decision is a
    one-time form, so sending it twice saves it once."""

    version = VersionField()

    class Meta:
        model = OperationDecision
        fields = [
            "decision",
            "decided_on",
            "decided_by",
            "reason_category",
            "reason",
            "expected_hours_per_year",
            "expected_dkk_per_year",
        ]
        widgets = {
            "decision": forms.RadioSelect(),
            "decided_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "reason_category": _("Reason (required when decided not to or postponed)"),
            "reason": _("Explanation (required when decided not to or postponed)"),
        }
        help_texts = {
            "decision": _("Each organisation decides for itself whether to run the solution."),
            "decided_on": _("Required unless the decision is still to be made."),
            "reason_category": _("The main reason the solution is not (yet) in operation."),
            "reason": _(
                "What stands in the way, and what it would take. Other organisations learn from it."
            ),
            "expected_hours_per_year": _("The organisation's own estimate of the value."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A decision is always one of the kinds: no empty choice among the radio buttons.
        self.fields["decision"].choices = OperationDecisionKind.choices
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        # A form opened on no decision stays a one-time form when it comes back, even if a
        # decision exists by then (its own earlier sending, or someone else's).
        opened_as_new = self.is_bound and self.data.get("submission_token")
        if self.instance.pk and not opened_as_new:
            del self.fields["submission_token"]

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0

    @property
    def edited_fields(self) -> list[str]:
        return list(self._meta.fields)


class BenefitIndicatorForm(VersionedModelForm):
    """A benefit an organisation measures, for the organisations the user records for."""

    class Meta:
        model = BenefitIndicator
        fields = [
            "organisation",
            "kind",
            "title",
            "unit",
            "baseline_value",
            "baseline_on",
            "baseline_method",
            "target_value",
            "target_on",
            "owner",
            "frequency",
        ]
        field_classes = {"baseline_value": DanishDecimalField, "target_value": DanishDecimalField}
        widgets = {
            "baseline_on": DateInput(),
            "target_on": DateInput(),
            "baseline_method": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "baseline_value": _(
                "The value measured before the solution was used (nulpunktsmåling), for "
                "example 1.234,5."
            ),
            "target_value": _("The value the organisation aims for, for example 600."),
        }

    def __init__(self, *args, organisation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        choices = Organisation.objects.filter(pk__in=organisation_ids).order_by("name")
        self.fields["organisation"].queryset = choices
        if not self.instance.pk and len(organisation_ids) == 1:
            self.fields["organisation"].initial = next(iter(organisation_ids))


class BenefitMeasurementForm(VersionedModelForm):
    """A value of an indicator on a date."""

    class Meta:
        model = BenefitMeasurement
        fields = ["measured_on", "value", "method", "evidence"]
        field_classes = {"value": DanishDecimalField}
        widgets = {
            "measured_on": DateInput(),
            "method": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, indicator: BenefitIndicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].help_text = _("In %(unit)s, for example 1.234,5.") % {
            "unit": indicator.unit_label
        }


class SpendingForm(VersionedModelForm):
    """A year's spending on external consultants and suppliers and on the own staff."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    class Meta:
        model = Spending
        fields = [
            "year",
            "external_hours",
            "external_dkk",
            "internal_hours",
            "internal_dkk",
            "competence_built",
            "competence_roles",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "external_dkk": _("What consultants and suppliers were paid, for example 450.000."),
            "internal_dkk": _("The cost of the organisations' own staff's hours."),
        }


class ProjectSupplierForm(VersionedModelForm):
    """A supplier that worked on the project: an existing supplier is found by its name or
    CVR number, a new one is created."""

    name = forms.CharField(
        label=_("Supplier"),
        max_length=200,
        help_text=_("A supplier known already is found by its name or CVR number."),
    )
    cvr = forms.CharField(
        label=_("CVR number"),
        max_length=8,
        required=False,
        validators=[cvr_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = ProjectSupplier
        fields = ["role", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("name", self.instance.supplier.name)
            self.initial.setdefault("cvr", self.instance.supplier.cvr)
        self.order_fields(["name", "cvr", "role", "note"])


# Legal questions and the answers projects share with the whole programme.


class LegalQuestionForm(VersionedModelForm):
    """A legal question a project put to someone, optionally raised from one of its barriers.
    Raised from a barrier, the form names it and suggests the legal area its category points
    to (`LegalArea.for_barrier_category`)."""

    class Meta:
        model = LegalQuestion
        fields = ["question", "legal_area", "asked_to", "asked_on", "barrier"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 5}),
            "asked_on": DateInput(),
        }
        labels = {"barrier": _("Barrier it came from (optional)"), "asked_on": _("Asked on")}
        help_texts = {
            "question": _(
                "Write it so that someone in another municipality understands it: leave out "
                "names of citizens and other personal data."
            ),
            "asked_to": _("To whom the project put the question."),
        }

    def __init__(self, *args, project: Project, from_barrier: Barrier | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # For a model default that is a callable (today) Django also renders a hidden copy of
        # the initial value, and on an error gives that hidden input aria-describedby too,
        # which HTML does not allow. Nothing here compares against the copy.
        self.fields["asked_on"].show_hidden_initial = False
        barriers = Barrier.objects.filter(project=project)
        if self.instance.barrier_id:
            # A barrier withdrawn since stays the one the question came from.
            barriers = Barrier.all_objects.filter(project=project).filter(
                Q(withdrawn_at__isnull=True) | Q(pk=self.instance.barrier_id)
            )
        self.fields["barrier"].queryset = barriers.order_by("-identified_on", "-pk")
        self.fields["barrier"].empty_label = _("None: raised on its own")
        if from_barrier is not None and not self.is_bound:
            self.initial["barrier"] = from_barrier.pk
            suggested = LegalArea.for_barrier_category(from_barrier.category)
            if suggested:
                self.initial["legal_area"] = suggested[0]
                self.fields["legal_area"].help_text = _(
                    "Suggested from the barrier's category (%(category)s)."
                ) % {"category": from_barrier.get_category_display()}


class LegalAnswerForm(LegalQuestionForm):
    """A legal question with its answer: its status, the answer with its date and source,
    and whether the answer is shared with the whole programme (only an answered question
    can be; the model refuses anything else)."""

    class Meta(LegalQuestionForm.Meta):
        fields = [
            *LegalQuestionForm.Meta.fields,
            "status",
            "answer",
            "answered_on",
            "answer_source",
            "shared",
        ]
        widgets = {
            **LegalQuestionForm.Meta.widgets,
            "status": forms.RadioSelect(),
            "answer": forms.Textarea(attrs={"rows": 6}),
            "answered_on": DateInput(),
        }
        labels = {
            **LegalQuestionForm.Meta.labels,
            "answer": _("Answer (required when answered)"),
            "answered_on": _("Answered on (required when answered)"),
        }
        help_texts = {
            **LegalQuestionForm.Meta.help_texts,
            "status": _(
                "Answered when the project got its answer; no longer relevant when nobody "
                "will answer it any more."
            ),
            "answer": _("What the answer says, in your own words or quoted."),
            "shared": _(
                "Shared, the question and its answer can be read and searched by every "
                "signed-in user of the programme: coordinators and viewers in every "
                "municipality and region, and the agency, with the project's name. They "
                "are offered beside new barriers in the same area, so the next project need "
                "not ask again. Only an answered question can be shared. Not shared, only "
                "the project's organisations and the agency read it."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A question always has one of the statuses: no empty choice among the radio buttons.
        self.fields["status"].choices = LegalQuestionStatus.choices
