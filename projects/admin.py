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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.models import (
    Barrier,
    Decision,
    FundingRound,
    LessonLearned,
    Membership,
    Organisation,
    Phase,
    Project,
    ReviewNote,
    StatusUpdate,
    SubmittedForm,
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


class ChangedFieldsOnlyMixin:
    """An admin edit saves the fields it changed, not the whole row as it was loaded: a
    status update or gate decision saved meanwhile keeps the fields it derived."""

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        fields = {field.name for field in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in fields]
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])


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
    autocomplete_fields = ["lead_organisation", "participants", "funding_round"]
    readonly_fields = [
        "current_phase",
        "current_status",
        "last_status_on",
        "help_requested",
        "outcome",
        "created_at",
        "updated_at",
    ]
    inlines = [PhaseInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "summary",
                    "lead_organisation",
                    "participants",
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
                    "suppliers",
                ]
            },
        ),
        (
            _("Benefits"),
            {
                "fields": [
                    "expected_hours_per_year",
                    "realised_hours_per_year",
                    "expected_dkk_per_year",
                    "realised_dkk_per_year",
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
