"""Django admin for the catalogue of reusable solutions and their adoptions. The models' own
rules hold here too (the owner never adopts its own solution, one open adoption per
organisation, a stopped adoption has a reason), and each stage reached is kept as history."""

from django.contrib import admin

from projects.admin import (
    ChangedFieldsOnlyMixin,
    FastListAdmin,
    VersionCheckedForm,
    amount_column,
    changed_fields,
)
from projects.models import Adoption, AdoptionStageChange, Solution


@admin.register(Solution)
class SolutionAdmin(ChangedFieldsOnlyMixin, FastListAdmin):
    form = VersionCheckedForm
    list_display = ["title", "owner", "kind", "maturity", "maintenance", "running_cost"]
    list_filter = ["kind", "maturity", "maintenance"]
    list_select_related = ["owner"]
    search_fields = ["title", "description", "owner__name"]
    autocomplete_fields = ["owner", "projects", "lessons"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "title",
        "description",
        ("kind", "maturity"),
        "owner",
        ("licence", "link", "publiccode_url"),
        ("maintenance", "maintenance_contact"),
        "prerequisites",
        "running_cost_dkk",
        "projects",
        "lessons",
        ("created_at", "updated_at"),
        "opened_at_version",
    ]
    running_cost = amount_column(Solution, "running_cost_dkk")


class AdoptionStageChangeInline(admin.TabularInline):
    """The stages the adoption reached: written by the adoption itself, read here."""

    model = AdoptionStageChange
    fields = ["stage", "changed_on", "recorded_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Adoption)
class AdoptionAdmin(FastListAdmin):
    form = VersionCheckedForm
    list_display = ["solution", "organisation", "stage", "stage_since", "owner_seen_at"]
    list_filter = ["stage", "stop_reason"]
    list_select_related = ["solution", "organisation"]
    search_fields = ["solution__title", "organisation__name", "contact_name"]
    autocomplete_fields = ["solution", "organisation"]
    readonly_fields = ["recorded_by", "owner_seen_at", "created_at", "updated_at"]
    inlines = [AdoptionStageChangeInline]
    fields = [
        "solution",
        "organisation",
        ("stage", "stage_since"),
        ("stop_reason", "stop_explanation"),
        ("contact_name", "contact_email"),
        "note",
        ("recorded_by", "owner_seen_at"),
        ("created_at", "updated_at"),
        "opened_at_version",
    ]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        if not change:
            return super().save_model(request, obj, form, change)
        changed = changed_fields(form, obj)
        if changed:
            obj.save(update_fields=[*changed, "recorded_by", "updated_at"])
