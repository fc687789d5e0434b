"""Forms for the coordinator's workflow. Choices are narrowed to what the user may pick."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Barrier,
    BarrierStatus,
    Decision,
    DecisionKind,
    GateDecision,
    LessonLearned,
    Organisation,
    Phase,
    Project,
    ReviewNote,
    ReviewNoteKind,
    StatusUpdate,
    TrafficLight,
)
from projects.selectors import UserRoles


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


class VersionField(forms.IntegerField):
    """The version of the record when the form was opened, sent back with the form."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


class VersionedModelForm(forms.ModelForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0


class ProjectForm(VersionedModelForm):
    """The project profile, including the legal and risk profile and benefits."""

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
            "outcome",
            "outcome_note",
            "personal_data",
            "legal_basis",
            "dpia_status",
            "ai_act_risk_class",
            "ai_act_role",
            "medical_device",
            "suppliers",
            "expected_hours_per_year",
            "realised_hours_per_year",
            "expected_dkk_per_year",
            "realised_dkk_per_year",
            "benefits_note",
        ]
        widgets = {
            "start_date": DateInput(),
            "planned_end_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "outcome_note": forms.Textarea(attrs={"rows": 2}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "suppliers": forms.Textarea(attrs={"rows": 2}),
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
        for name in (
            "grant_dkk",
            "total_budget_dkk",
            "expected_hours_per_year",
            "realised_hours_per_year",
            "expected_dkk_per_year",
            "realised_dkk_per_year",
        ):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = 0

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("planned_end_date")
        if start and end and end < start:
            self.add_error("planned_end_date", _("The planned end cannot be before the start."))
        lead = cleaned.get("lead_organisation")
        if lead and lead in (cleaned.get("participants") or []):
            self.add_error("participants", _("The lead organisation is not also a participant."))
        return cleaned


class TrafficLightField(forms.ChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(choices=TrafficLight.choices, **kwargs)


class StatusUpdateForm(forms.ModelForm):
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

    def clean_reported_on(self):
        return _not_in_future(self.cleaned_data.get("reported_on"), _("The reporting date"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("help_needed") and not (cleaned.get("help_text") or "").strip():
            self.add_error("help_text", _("Tell the agency what help you need."))
        return cleaned


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
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 4}))
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the decision is go with conditions."),
    )

    def __init__(self, *args, phase: Phase | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase = phase
        if phase is not None:
            self.fields["phase_id"].initial = phase.pk
            self.fields["phase_version"].initial = phase.version

    @property
    def expected_phase(self) -> tuple[int, int]:
        return (self.cleaned_data.get("phase_id") or 0, self.cleaned_data.get("phase_version") or 0)

    def clean_decided_on(self):
        decided_on = _not_in_future(self.cleaned_data.get("decided_on"), _("The decision date"))
        if self.phase and decided_on and decided_on < self.phase.started_on:
            raise forms.ValidationError(
                _("The decision cannot be dated before the phase started (%(date)s).")
                % {"date": date_format(self.phase.started_on, "SHORT_DATE_FORMAT")}
            )
        return decided_on

    def clean(self):
        cleaned = super().clean()
        if self.phase is None:
            raise forms.ValidationError(_("The project has no open phase to decide on."))
        if (
            cleaned.get("decision") == GateDecision.GO_WITH_CONDITIONS
            and not (cleaned.get("conditions") or "").strip()
        ):
            self.add_error("conditions", _("State the conditions for going on."))
        return cleaned


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
        ]
        widgets = {
            "identified_on": DateInput(),
            "resolved_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "resolution": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_identified_on(self):
        return _not_in_future(self.cleaned_data.get("identified_on"), _("The date identified"))

    def clean(self):
        cleaned = super().clean()
        identified, resolved = cleaned.get("identified_on"), cleaned.get("resolved_on")
        if identified and resolved and resolved < identified:
            self.add_error("resolved_on", _("A barrier cannot be resolved before it was found."))
        if cleaned.get("status") == BarrierStatus.RESOLVED:
            if not (cleaned.get("resolution") or "").strip():
                self.add_error("resolution", _("Describe how the barrier was resolved."))
            if not resolved and "resolved_on" not in self.errors:
                self.add_error("resolved_on", _("Give the date the barrier was resolved."))
        return cleaned


class ResolveBarrierForm(forms.Form):
    version = VersionField()
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How was the barrier resolved? Others can learn from it."),
    )
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput())

    def __init__(self, *args, barrier: Barrier, **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier = barrier

    def clean_resolution(self):
        resolution = self.cleaned_data["resolution"].strip()
        if not resolution:
            raise forms.ValidationError(_("Describe how the barrier was resolved."))
        return resolution

    def clean_resolved_on(self):
        resolved_on = _not_in_future(self.cleaned_data.get("resolved_on"), _("The date"))
        if resolved_on and resolved_on < self.barrier.identified_on:
            raise forms.ValidationError(
                _("A barrier cannot be resolved before it was found (%(date)s).")
                % {"date": date_format(self.barrier.identified_on, "SHORT_DATE_FORMAT")}
            )
        return resolved_on


class DecisionForm(forms.ModelForm):
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

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["barriers"].queryset = Barrier.objects.filter(project=project)
        # Gate decisions are made through the phase form, which also moves the phase.
        self.fields["kind"].choices = [
            choice for choice in DecisionKind.choices if choice[0] != DecisionKind.GATE
        ]

    def clean_decided_on(self):
        return _not_in_future(self.cleaned_data.get("decided_on"), _("The decision date"))


class LessonForm(forms.ModelForm):
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

    def clean_learned_on(self):
        return _not_in_future(self.cleaned_data.get("learned_on"), _("The date"))


class ReviewNoteForm(forms.ModelForm):
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
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
