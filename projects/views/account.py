"""Signing in, changing the password, and the page shown when a form's CSRF check fails."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render

from projects.auth import ThrottledAuthenticationForm, ThrottledPasswordChangeForm
from projects.oidc import providers


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # One button per configured identity provider (none when none is configured).
        return {**super().get_context_data(**kwargs), "identity_providers": providers()}


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


def csrf_failure(request, reason=""):
    """Say in the user's language what to check, instead of Django's bare English 403."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
