"""E-mail notifications in the admin: the users' choices, and the outbox to see what was sent
to whom and why something was not."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.admin import FastListAdmin
from projects.models import (
    LanguagePreference,
    Notification,
    NotificationPreference,
    NotificationState,
)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(FastListAdmin):
    list_display = ["user", "kind", "frequency", "updated_at"]
    list_select_related = ["user"]
    list_filter = ["kind", "frequency"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(LanguagePreference)
class LanguagePreferenceAdmin(FastListAdmin):
    list_display = ["user", "language", "updated_at"]
    list_select_related = ["user"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(Notification)
class NotificationAdmin(FastListAdmin):
    """Read-only: e-mails are written by the application; a failed one can be sent again."""

    list_display = ["created_at", "recipient", "kind", "subject", "state", "attempts", "sent_at"]
    list_select_related = ["recipient"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["key", "subject", "recipient__username", "recipient__email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "recipient",
        "kind",
        "key",
        "project",
        "organisation",
        "subject",
        "body",
        "url",
        "language",
        "state",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
        "digest",
        "created_at",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=gettext_lazy("Try the selected failed e-mails again"), permissions=["change"]
    )
    def send_again(self, request, queryset):
        count = queryset.filter(state=NotificationState.FAILED).update(
            state=NotificationState.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request,
            _("E-mails to be tried again by the next run: %(count)d") % {"count": count},
            messages.SUCCESS,
        )
