"""The Django admin of the public algorithm register. A record's content is edited here as in
the project's form (through the same service, so an edit of an approved or published record
takes it back to a draft); its state changes only through the workflow's actions. Published
versions are shown read-only: nobody changes or deletes them."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.admin import FastListAdmin, VersionCheckedForm
from projects.models import RegisterRecord, RegisterSnapshot
from projects.services import register as register_services


class RegisterRecordAdminForm(VersionCheckedForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.instance.is_editable:
            raise ValidationError(
                _("The record is being reviewed by the agency and cannot be edited meanwhile.")
            )
        return cleaned


@admin.register(RegisterRecord)
class RegisterRecordAdmin(FastListAdmin):
    form = RegisterRecordAdminForm
    list_display = ["name", "project", "state", "status", "publication_category", "updated_at"]
    list_filter = ["state", "status", "publication_category"]
    list_select_related = ["project"]
    search_fields = ["name", "project__title"]
    autocomplete_fields = ["project"]
    readonly_fields = [
        "state",
        "submitted_at",
        "submitted_by",
        "approved_at",
        "approved_by",
        "returned_at",
        "returned_by",
        "return_note",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawn_by",
        "public_snapshot",
        "created_at",
        "updated_at",
    ]
    actions = ["approve_records", "publish_records", "withdraw_records"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["project"] if obj is not None else []
        return [*fixed, *super().get_readonly_fields(request, obj)]

    def save_model(self, request, obj, form, change):
        fields = [name for name in form.changed_data if name != "opened_at_version"]
        register_services.save_register_record(
            record=obj, expected_version=obj.version if change else None, fields=fields
        )

    def _run(self, request, queryset, service, done):
        count = 0
        for record in queryset:
            try:
                service(record=record, user=request.user)
            except ValidationError as error:
                self.message_user(request, f"{record}: {' '.join(error.messages)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done(count) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected submitted records"), permissions=["change"])
    def approve_records(self, request, queryset):
        self._run(
            request,
            queryset,
            register_services.approve_register_record,
            lambda n: ngettext(
                "%(count)d record was approved.", "%(count)d records were approved.", n
            ),
        )

    @admin.action(description=_("Publish the selected approved records"), permissions=["change"])
    def publish_records(self, request, queryset):
        self._run(
            request,
            queryset,
            register_services.publish_register_record,
            lambda n: ngettext(
                "%(count)d record was published.", "%(count)d records were published.", n
            ),
        )

    @admin.action(
        description=_("Withdraw the selected records from the public register"),
        permissions=["change"],
    )
    def withdraw_records(self, request, queryset):
        self._run(
            request,
            queryset,
            register_services.withdraw_register_record,
            lambda n: ngettext(
                "%(count)d record was withdrawn.", "%(count)d records were withdrawn.", n
            ),
        )


@admin.register(RegisterSnapshot)
class RegisterSnapshotAdmin(FastListAdmin):
    """Published versions, read-only."""

    list_display = ["name", "version", "organisation", "published_at", "withdrawn_at"]
    list_filter = ["status", "publication_category"]
    list_select_related = ["organisation"]
    search_fields = ["name"]
    fields = [
        "record",
        "version",
        "organisation",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawn_by",
        "data",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
