"""Invitations in the Django admin: sent through the same service as the site's form (the
rules, the throttle and the e-mail on commit); afterwards read-only, withdrawn by an action."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.models import Invitation
from projects.services import invitations as services


class InvitationAddForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "organisation", "role"]

    def clean(self):
        cleaned = super().clean()
        # The inviter's own authority is checked on the model; the admin user is the inviter.
        self.instance.invited_by = self.request_user
        try:
            services.check_throttle(self.request_user, lock=False)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "status_label", "invited_by", "created_at"]
    list_filter = ["role", "organisation__kind"]
    list_select_related = ["organisation", "invited_by", "accepted_by", "withdrawn_by"]
    search_fields = ["email", "organisation__name", "invited_by__username"]
    autocomplete_fields = ["organisation"]
    show_full_result_count = False
    list_per_page = 50
    actions = ["withdraw"]
    readonly_fields = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "language",
        "created_at",
        "expires_at",
        "sent_at",
        "send_failed_at",
        "accepted_at",
        "accepted_by",
        "withdrawn_at",
        "withdrawn_by",
    ]

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.get_status_display()

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["email", "organisation", "role"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        # Shown read-only: an invitation changes only by being withdrawn, sent again or used.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        invitation = services.invite(
            email=obj.email,
            organisation=obj.organisation,
            role=obj.role,
            invited_by=request.user,
            site_url=request.build_absolute_uri("/"),
        )
        obj.pk = invitation.pk
        obj._state.adding = False

    @admin.action(description=_("Withdraw the selected invitations"))
    def withdraw(self, request, queryset):
        withdrawn = 0
        for invitation in queryset.filter(accepted_at__isnull=True, withdrawn_at__isnull=True):
            services.withdraw_invitation(invitation=invitation, user=request.user)
            withdrawn += 1
        messages.success(request, _("Invitations withdrawn: %(count)s") % {"count": withdrawn})
