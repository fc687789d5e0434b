"""Django admin for data maintenance. Lists stay fast at 10,000 projects: related rows are
joined in the list query, foreign keys use autocomplete, and no full count is taken."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

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
)

User = get_user_model()


class FastListAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_per_page = 50


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
    list_display = ["name", "year", "pool_dkk"]
    search_fields = ["name"]


class PhaseInline(admin.StackedInline):
    model = Phase
    extra = 0
    fields = [
        ("kind", "started_on", "planned_end_on", "ended_on"),
        ("gate_decision", "decided_on", "decided_by"),
        "rationale",
        "conditions",
    ]


@admin.register(Project)
class ProjectAdmin(FastListAdmin):
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
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]


class ProjectLogAdmin(FastListAdmin):
    """Shared setup for the records that hang off a project."""

    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    search_fields = ["project__title"]


@admin.register(Phase)
class PhaseAdmin(ProjectLogAdmin):
    list_display = ["project", "kind", "started_on", "ended_on", "gate_decision", "decided_on"]
    list_filter = ["kind", "gate_decision"]
    search_fields = ["project__title", "decided_by"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ProjectLogAdmin):
    list_display = [
        "project",
        "reported_on",
        "overall_status",
        "schedule_status",
        "budget_status",
        "benefits_status",
        "help_needed",
        "author",
    ]
    list_filter = ["overall_status", "help_needed"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project", "author"]


@admin.register(Barrier)
class BarrierAdmin(ProjectLogAdmin):
    list_display = [
        "title",
        "project",
        "category",
        "severity",
        "status",
        "phase",
        "identified_on",
        "escalated",
    ]
    list_filter = ["category", "status", "severity", "phase", "escalated"]
    search_fields = ["title", "project__title"]
    autocomplete_fields = ["project", "author"]


@admin.register(Decision)
class DecisionAdmin(ProjectLogAdmin):
    list_display = ["title", "project", "kind", "decided_on", "decided_by"]
    list_filter = ["kind"]
    search_fields = ["title", "project__title", "decided_by"]
    autocomplete_fields = ["project", "barriers", "author"]


@admin.register(LessonLearned)
class LessonLearnedAdmin(ProjectLogAdmin):
    list_display = ["title", "project", "category", "phase", "visibility", "learned_on"]
    list_filter = ["category", "phase", "visibility"]
    search_fields = ["title", "project__title"]
    autocomplete_fields = ["project", "barrier", "author"]


@admin.register(ReviewNote)
class ReviewNoteAdmin(ProjectLogAdmin):
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
