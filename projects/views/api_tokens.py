"""An agency member's own API tokens: create one (its secret shown once), revoke one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.access import user_permission
from projects.models import ApiToken
from projects.services.api_tokens import MAX_ACTIVE_TOKENS, create_api_token, revoke_api_token
from projects.views.common import apply_service_errors


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy(
            "What the token is used for, e.g. the system that reads the portfolio."
        ),
    )


# The new token's secret waits in the session for the one page that shows it, and is
# removed from there as that page is rendered.
ISSUED_KEY = "api_token_issued"


def _page(request, form):
    tokens = ApiToken.objects.of(request.user).order_by("revoked_at", "-created_at", "-pk")
    issued = None
    waiting = request.session.pop(ISSUED_KEY, None) if request.method == "GET" else None
    if waiting:
        token = next((t for t in tokens if t.pk == waiting.get("id") and t.is_active), None)
        if token is not None:
            issued = {"token": token, "secret": waiting.get("secret", "")}
    return render(
        request,
        "projects/api_tokens.html",
        {"form": form, "tokens": tokens, "issued": issued, "max_active": MAX_ACTIVE_TOKENS},
    )


@user_permission("is_agency", methods=("GET", "HEAD", "POST"))
def api_tokens(request):
    """The user's tokens and a form for a new one. A new token's secret is shown once, on the
    page the creation leads to: only its hash is stored."""
    if request.method != "POST":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            issued = create_api_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            request.session[ISSUED_KEY] = {"id": issued.token.pk, "secret": issued.secret}
            return redirect("api_tokens")
    messages.error(request, _("No token was created. Please correct the fields marked below."))
    return _page(request, form)


@user_permission("is_agency", methods=("POST",))
def api_token_revoke(request, pk: int):
    """Revoke one of the user's own tokens; another user's token is not found."""
    token = ApiToken.objects.of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        revoke_api_token(token=token)
        messages.success(
            request,
            _("The token “%(name)s” is revoked and no longer works.") % {"name": token.name},
        )
    return redirect("api_tokens")
