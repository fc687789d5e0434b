"""Django admin for data maintenance. Lists stay fast at 10,000 projects: related rows are
joined in the list query, foreign keys use autocomplete, and no full count is taken.

The admin keeps the same rules as the application: records are validated by their models,
edits of versioned records are refused when someone saved meanwhile, a project's phase,
outcome and status are derived (read-only here), withdrawn entries are shown and can be
restored, and only superusers delete, for records created by mistake (the change history
keeps the deletion)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.models import (
    Barrier,
    BenefitIndicator,
    BenefitMeasurement,
    Decision,
    FundingRound,
    LessonLearned,
    Membership,
    OperationDecision,
    Organisation,
    Participation,
    Phase,
    Project,
    ProjectSupplier,
    ReviewNote,
    Spending,
    StatusUpdate,
    SubmittedForm,
    Supplier,
)
from projects.numbers import format_danish_integer

User = get_user_model()


def amount_column(model, name: str):
    """A list column showing an amount field grouped the Danish way ("67.000.000"); the
    admin's own column would show "67000000"."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(self, obj):
        value = getattr(obj, name)
        return None if value is None else format_danish_integer(value)

    return column


class FastListAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_per_page = 50

    def has_delete_permission(self, request, obj=None):
        # Nothing is deleted in ordinary use; a superuser removes a record made by mistake.
        return request.user.is_superuser


def changed_fields(form, obj) -> list[str]:
    """The form's fields that the edit changed: those the user changed, and those the model's
    clean() changed in turn (an operation decision put into operation drops its reason)."""
    concrete = {field.name: field for field in obj._meta.concrete_fields}
    return [
        name
        for name in form.fields
        if name in concrete
        and (
            name in form.changed_data
            or concrete[name].value_from_object(obj) != form.initial.get(name)
        )
    ]


class ChangedFieldsOnlyMixin:
    """An admin edit saves the fields it changed, not the whole row as it was loaded: a
    status update or gate decision saved meanwhile keeps the fields it derived."""

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        changed = changed_fields(form, obj)
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])


class ChangedFieldsOnlyFormSet(forms.BaseInlineFormSet):
    """The inline counterpart of ChangedFieldsOnlyMixin: an edited row saves only the fields
    changed in it (an indicator keeps the latest measurement written meanwhile)."""

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=False)
        changed = changed_fields(form, obj)
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])
        return obj


class VersionCheckedForm(forms.ModelForm):
    """An admin edit carries the version it was opened at and is refused if the record was
    saved since (by a coordinator, a service or another administrator)."""

    opened_at_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_at_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            stored = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if stored is not None and cleaned.get("opened_at_version") != stored:
                raise forms.ValidationError(
                    _(
                        "Someone else saved this record after you opened it. Nothing was "
                        "saved: open it again to see their change."
                    )
                )
        return cleaned


class WithdrawableAdmin(FastListAdmin):
    """Withdrawn entries are listed too, marked, and can be restored."""

    actions = ["restore_entries"]

    def get_queryset(self, request):
        return self.model.all_objects.get_queryset()

    @admin.display(boolean=True, description=_("withdrawn"))
    def is_withdrawn(self, obj):
        return obj.withdrawn_at is not None

    @admin.action(description=_("Restore the selected withdrawn entries"), permissions=["change"])
    def restore_entries(self, request, queryset):
        from projects.services import restore_entry

        restored = 0
        for entry in queryset.withdrawn():
            with transaction.atomic():
                restore_entry(entry=entry)
            restored += 1
        self.message_user(
            request,
            ngettext("%(count)d entry was restored.", "%(count)d entries were restored.", restored)
            % {"count": restored},
            messages.SUCCESS,
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Organisation)
class OrganisationAdmin(FastListAdmin):
    list_display = ["name", "kind", "short_code", "active", "updated_at"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(FastListAdmin):
    list_display = ["user", "organisation", "role", "updated_at"]
    list_filter = ["role", "organisation__kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


admin.site.unregister(User)


@admin.register(User)
class SigprojectsUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(FundingRound)
class FundingRoundAdmin(FastListAdmin):
    list_display = ["name", "year", "pool"]
    search_fields = ["name"]

    pool = amount_column(FundingRound, "pool_dkk")


class PhaseInline(admin.StackedInline):
    model = Phase
    form = VersionCheckedForm
    extra = 0
    fields = [
        ("kind", "started_on", "planned_end_on", "ended_on"),
        ("gate_decision", "decided_on", "decided_by"),
        "rationale",
        "conditions",
        "opened_at_version",
    ]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "kind"]


class SuperuserDeletesInline:
    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class OperationDecisionInline(SuperuserDeletesInline, admin.StackedInline):
    model = OperationDecision
    form = VersionCheckedForm
    formset = ChangedFieldsOnlyFormSet
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = [
        ("organisation", "decision", "decided_on", "decided_by"),
        ("reason_category", "reason"),
        ("expected_hours_per_year", "expected_dkk_per_year"),
        "opened_at_version",
    ]


class BenefitIndicatorInline(SuperuserDeletesInline, admin.TabularInline):
    """The indicators at a glance; their measurements are kept on the indicator's page."""

    model = BenefitIndicator
    form = VersionCheckedForm
    formset = ChangedFieldsOnlyFormSet
    extra = 0
    show_change_link = True
    autocomplete_fields = ["organisation"]
    fields = [
        "organisation",
        "kind",
        "title",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        "owner",
        "latest_value",
        "latest_on",
        "opened_at_version",
    ]
    readonly_fields = ["latest_value", "latest_on"]


class SpendingInline(SuperuserDeletesInline, admin.TabularInline):
    model = Spending
    form = VersionCheckedForm
    formset = ChangedFieldsOnlyFormSet
    extra = 0
    fields = [
        "year",
        "external_hours",
        "external_dkk",
        "internal_hours",
        "internal_dkk",
        "competence_built",
        "competence_roles",
        "opened_at_version",
    ]


class ProjectSupplierInline(SuperuserDeletesInline, admin.TabularInline):
    model = ProjectSupplier
    extra = 0
    autocomplete_fields = ["supplier"]
    fields = ["supplier", "role", "note"]


@admin.register(Project)
class ProjectAdmin(ChangedFieldsOnlyMixin, FastListAdmin):
    form = VersionCheckedForm
    list_display = [
        "title",
        "lead_organisation",
        "funding_round",
        "area",
        "current_phase",
        "current_status",
        "outcome",
        "last_status_on",
        "archived",
    ]
    list_filter = [
        "current_phase",
        "outcome",
        "current_status",
        "area",
        "funding_round",
        "archived",
        "lead_organisation__kind",
        "ai_act_risk_class",
        "dpia_status",
    ]
    list_select_related = ["lead_organisation", "funding_round"]
    search_fields = ["title", "lead_organisation__name"]
    autocomplete_fields = ["lead_organisation", "funding_round"]
    readonly_fields = [
        "current_phase",
        "current_status",
        "last_status_on",
        "help_requested",
        "outcome",
        "realisation_percent",
        "consultant_share",
        "created_at",
        "updated_at",
    ]
    inlines = [
        ParticipationInline,
        PhaseInline,
        OperationDecisionInline,
        BenefitIndicatorInline,
        SpendingInline,
        ProjectSupplierInline,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "summary",
                    "lead_organisation",
                    "funding_round",
                    "area",
                    "ai_technique",
                    "archived",
                ]
            },
        ),
        (
            _("Money and people"),
            {
                "fields": [
                    "grant_dkk",
                    "total_budget_dkk",
                    "project_owner",
                    "contact_name",
                    "contact_email",
                    "start_date",
                    "planned_end_date",
                ]
            },
        ),
        (
            _("Progress"),
            {
                "fields": [
                    "current_phase",
                    "current_status",
                    "last_status_on",
                    "help_requested",
                    "outcome",
                    "closing_reason",
                    "outcome_note",
                ]
            },
        ),
        (
            _("Legal and risk profile"),
            {
                "fields": [
                    "personal_data",
                    "legal_basis",
                    "dpia_status",
                    "ai_act_risk_class",
                    "ai_act_role",
                    "medical_device",
                ]
            },
        ),
        (
            _("Benefits"),
            {
                "fields": [
                    "realisation_percent",
                    "consultant_share",
                    "benefits_note",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at", "opened_at_version"]}),
    ]


class ProjectLogAdmin(FastListAdmin):
    """Shared setup for the records that hang off a project."""

    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    search_fields = ["project__title"]


@admin.register(Phase)
class PhaseAdmin(ChangedFieldsOnlyMixin, ProjectLogAdmin):
    form = VersionCheckedForm
    list_display = ["project", "kind", "started_on", "ended_on", "gate_decision", "decided_on"]
    list_filter = ["kind", "gate_decision"]
    search_fields = ["project__title", "decided_by"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(WithdrawableAdmin, ProjectLogAdmin):
    list_display = [
        "project",
        "reported_on",
        "overall_status",
        "schedule_status",
        "budget_status",
        "benefits_status",
        "help_needed",
        "author",
        "is_withdrawn",
    ]
    list_filter = ["overall_status", "help_needed"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author"]


@admin.register(Barrier)
class BarrierAdmin(ChangedFieldsOnlyMixin, WithdrawableAdmin, ProjectLogAdmin):
    form = VersionCheckedForm
    list_display = [
        "title",
        "project",
        "category",
        "severity",
        "status",
        "phase",
        "identified_on",
        "escalated",
        "is_withdrawn",
    ]
    list_filter = ["category", "status", "severity", "phase", "escalated"]
    search_fields = ["title", "project__title"]
    autocomplete_fields = ["project", "author"]


class DecisionAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("project") is not None and cleaned.get("barriers") is not None:
            self.instance.project = cleaned["project"]
            self.instance.check_barriers(cleaned["barriers"])
        return cleaned


@admin.register(Decision)
class DecisionAdmin(WithdrawableAdmin, ProjectLogAdmin):
    form = DecisionAdminForm
    list_display = ["title", "project", "kind", "decided_on", "decided_by", "is_withdrawn"]
    list_filter = ["kind"]
    search_fields = ["title", "project__title", "decided_by"]
    autocomplete_fields = ["project", "barriers", "author"]


@admin.register(LessonLearned)
class LessonLearnedAdmin(WithdrawableAdmin, ProjectLogAdmin):
    list_display = [
        "title",
        "project",
        "category",
        "phase",
        "visibility",
        "learned_on",
        "is_withdrawn",
    ]
    list_filter = ["category", "phase", "visibility"]
    search_fields = ["title", "project__title"]
    autocomplete_fields = ["project", "barrier", "author"]


@admin.register(ReviewNote)
class ReviewNoteAdmin(ChangedFieldsOnlyMixin, ProjectLogAdmin):
    form = VersionCheckedForm
    list_display = [
        "__str__",
        "project",
        "kind",
        "author",
        "created_at",
        "answered_at",
        "closed_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author", "answered_by", "closed_by"]


class StaysOnItsProjectMixin:
    """A record stays on the project it was made for: moving it would leave the first
    project's derived outcome and figures behind."""

    fixed_after_adding = ["project"]

    def get_readonly_fields(self, request, obj=None):
        fixed = self.fixed_after_adding if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]


class DestinationAdmin(StaysOnItsProjectMixin, ChangedFieldsOnlyMixin, ProjectLogAdmin):
    """Shared setup for what a project ends up with: versioned records, checked when saved."""

    form = VersionCheckedForm


@admin.register(OperationDecision)
class OperationDecisionAdmin(DestinationAdmin):
    list_display = [
        "project",
        "organisation",
        "decision",
        "decided_on",
        "reason_category",
        "decided_by",
        "author",
    ]
    list_filter = ["decision", "reason_category", "organisation__kind"]
    list_select_related = ["project", "organisation", "author"]
    search_fields = ["project__title", "organisation__name", "decided_by", "reason"]
    autocomplete_fields = ["project", "organisation"]
    readonly_fields = ["author", "created_at", "updated_at"]
    fields = [
        "project",
        "organisation",
        ("decision", "decided_on", "decided_by"),
        ("reason_category", "reason"),
        ("expected_hours_per_year", "expected_dkk_per_year"),
        "author",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


class BenefitMeasurementInline(SuperuserDeletesInline, admin.TabularInline):
    model = BenefitMeasurement
    form = VersionCheckedForm
    extra = 0
    fields = ["measured_on", "value", "method", "evidence", "entered_by", "opened_at_version"]
    readonly_fields = ["entered_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "entered_by")


@admin.register(BenefitIndicator)
class BenefitIndicatorAdmin(DestinationAdmin):
    list_display = [
        "title",
        "project",
        "organisation",
        "kind",
        "baseline_value",
        "target_value",
        "latest_value",
        "latest_on",
        "realised",
    ]
    list_filter = ["kind", "frequency", "organisation__kind"]
    list_select_related = ["project", "organisation"]
    search_fields = ["title", "project__title", "organisation__name", "owner"]
    autocomplete_fields = ["project", "organisation"]
    readonly_fields = ["latest_value", "latest_on", "realised", "created_at", "updated_at"]
    fields = [
        "project",
        "organisation",
        ("kind", "unit", "frequency"),
        "title",
        ("baseline_value", "baseline_on"),
        "baseline_method",
        ("target_value", "target_on"),
        "owner",
        ("latest_value", "latest_on", "realised"),
        ("created_at", "updated_at"),
        "opened_at_version",
    ]
    inlines = [BenefitMeasurementInline]

    @admin.display(description=_("realised"))
    def realised(self, obj):
        realisation = obj.realisation
        if realisation.percent is None:
            return realisation.label
        return f"{number_format(realisation.percent, 1)} % ({realisation.label})"

    def save_formset(self, request, form, formset, change):
        for new in formset.extra_forms:
            new.instance.entered_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(BenefitMeasurement)
class BenefitMeasurementAdmin(DestinationAdmin):
    list_display = ["indicator", "project", "measured_on", "value", "entered_by"]
    list_filter = ["indicator__kind"]
    list_select_related = ["indicator", "project", "entered_by"]
    search_fields = ["indicator__title", "project__title", "method", "evidence"]
    autocomplete_fields = ["indicator"]
    # The project follows the indicator; a measurement stays on the indicator it was made for.
    fixed_after_adding = ["indicator"]
    readonly_fields = ["project", "entered_by", "created_at", "updated_at"]
    fields = [
        "indicator",
        "project",
        ("measured_on", "value"),
        "method",
        "evidence",
        "entered_by",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Spending)
class SpendingAdmin(DestinationAdmin):
    list_display = [
        "project",
        "year",
        "external_hour_count",
        "external",
        "internal_hour_count",
        "internal",
        "share",
        "competence_built",
    ]
    list_filter = ["year", "competence_built"]
    search_fields = ["project__title", "competence_roles"]
    readonly_fields = ["share", "created_at", "updated_at"]
    fields = [
        ("project", "year"),
        ("external_hours", "external_dkk"),
        ("internal_hours", "internal_dkk"),
        "share",
        ("competence_built", "competence_roles"),
        "note",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    external_hour_count = amount_column(Spending, "external_hours")
    external = amount_column(Spending, "external_dkk")
    internal_hour_count = amount_column(Spending, "internal_hours")
    internal = amount_column(Spending, "internal_dkk")

    @admin.display(description=_("external consultants' share (%)"))
    def share(self, obj):
        share = obj.external_share
        return None if share is None else number_format(share, 1)


@admin.register(Participation)
class ParticipationAdmin(StaysOnItsProjectMixin, ProjectLogAdmin):
    list_display = ["organisation", "project", "kind", "created_at"]
    list_filter = ["kind", "organisation__kind"]
    list_select_related = ["project", "organisation"]
    search_fields = ["organisation__name", "project__title"]
    autocomplete_fields = ["project", "organisation"]


@admin.register(Supplier)
class SupplierAdmin(FastListAdmin):
    list_display = ["name", "cvr", "updated_at"]
    search_fields = ["name", "cvr"]


@admin.register(ProjectSupplier)
class ProjectSupplierAdmin(ProjectLogAdmin):
    list_display = ["supplier", "project", "role", "note"]
    list_filter = ["role"]
    list_select_related = ["project", "supplier"]
    search_fields = ["supplier__name", "supplier__cvr", "project__title", "note"]
    autocomplete_fields = ["project", "supplier"]


@admin.register(SubmittedForm)
class SubmittedFormAdmin(FastListAdmin):
    """Which create forms have been saved: read-only, for answering "was it saved?"."""

    list_display = ["created_at", "user", "saved_url"]
    list_select_related = ["user"]
    search_fields = ["user__username", "saved_url"]
    readonly_fields = ["token", "user", "saved_url", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
