"""The Django admin's page of identities at the sign-in providers (OpenID Connect)."""

from django.contrib import admin

from projects.admin import FastListAdmin
from projects.models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(FastListAdmin):
    """Who signs in as whom. An administrator links an existing user to the person a provider
    names (issuer and subject) here; sign-in creates the link itself for invited people."""

    list_display = ["user", "provider_key", "issuer", "subject", "last_login_at"]
    list_select_related = ["user"]
    list_filter = ["provider_key"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "subject"]
    autocomplete_fields = ["user"]
    fields = ["user", "issuer", "subject", "provider_key", "last_login_at", "created_at"]
    readonly_fields = ["provider_key", "last_login_at", "created_at"]
