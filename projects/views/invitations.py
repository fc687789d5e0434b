"""Inviting colleagues, the list of invitations, and the page the invitation link opens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from projects.access import get_invitation_for_user, invitations_managed_by, user_permission
from projects.auth import client_ip
from projects.forms_invitations import (
    AcceptInvitationForm,
    InvitationForm,
    ThrottledPasswordResetForm,
)
from projects.models import Invitation, InvitationStatus
from projects.services import invitations as services
from projects.views.common import apply_service_errors

READ_ONLY = ("GET", "HEAD")
SESSION_KEY = "invitation_token"


def _site_url(request) -> str:
    return request.build_absolute_uri("/")


@user_permission("can_invite", methods=READ_ONLY)
def invitation_list(request):
    """The invitations of the organisations the user may invite to, newest first."""
    status = request.GET.get("status", "")
    invitations = invitations_managed_by(request.user).select_related(
        "organisation", "invited_by", "accepted_by", "withdrawn_by"
    )
    if status in InvitationStatus.values:
        invitations = invitations.with_status(status)
    else:
        status = ""
    page = Paginator(invitations.order_by("-created_at", "-pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "invitations/invitation_list.html",
        {
            "page": page,
            "status": status,
            "statuses": InvitationStatus.choices,
            "query": f"status={status}" if status else "",
        },
    )


@user_permission("can_invite")
def invitation_create(request):
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                invitation = services.invite(
                    email=form.cleaned_data["email"],
                    organisation=form.cleaned_data["organisation"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                    site_url=_site_url(request),
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _report_sending(request, invitation)
            return redirect("invitation_list")
    if form.is_bound and form.errors:
        messages.error(request, _("Nothing was sent. Please correct the fields marked below."))
    return render(request, "invitations/invitation_form.html", {"form": form})


def _report_sending(request, invitation: Invitation) -> None:
    invitation.refresh_from_db(fields=["sent_at", "send_failed_at"])
    if invitation.send_failed_at:
        messages.warning(
            request,
            _(
                "The invitation to %(email)s is saved, but the e-mail could not be sent. "
                "Try “Send again” in the list."
            )
            % {"email": invitation.email},
        )
    else:
        messages.success(
            request, _("The invitation has been sent to %(email)s.") % {"email": invitation.email}
        )


@user_permission("is_authenticated", methods=("POST",))
def invitation_resend(request, pk: int):
    invitation = get_invitation_for_user(request.user, pk)
    try:
        with transaction.atomic():
            invitation = services.resend_invitation(
                invitation=invitation, user=request.user, site_url=_site_url(request)
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _report_sending(request, invitation)
    return redirect("invitation_list")


@user_permission("is_authenticated", methods=("POST",))
def invitation_withdraw(request, pk: int):
    invitation = get_invitation_for_user(request.user, pk)
    try:
        services.withdraw_invitation(invitation=invitation, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("invitation_list")


def identity_providers() -> list[tuple[str, str, str]]:
    """(key, label, sign-in URL) of each identity provider people may sign in through."""
    try:
        from projects.oidc import providers
    except ImportError:
        return []
    found = []
    for provider in providers():
        try:
            found.append(
                (provider.key, provider.label, reverse("oidc_login", kwargs={"key": provider.key}))
            )
        except NoReverseMatch:
            continue
    return found


@never_cache
def invitation_accept(request, token: str):
    """The page the link opens: who invited whom to what; a new account with a password, or
    (signed in with the invited address) the invitation accepted into the account."""
    invitation = services.find_invitation(token)
    try:
        services.check_usable(invitation)
    except services.InvitationUnusable as error:
        return _unusable_page(request, invitation, error)
    user = request.user
    context = {"invitation": invitation, "providers": identity_providers()}
    if user.is_authenticated:
        if not services.email_matches(invitation, user):
            context["mismatch"] = True
            return render(request, "invitations/accept.html", context)
        if request.method == "POST" and request.POST.get("action") == "accept":
            return _accept_signed_in(request, token, invitation)
        return render(request, "invitations/accept.html", context)
    if request.method == "POST" and request.POST.get("action") == "oidc":
        chosen = request.POST.get("provider")
        for key, _label, url in context["providers"]:
            if key == chosen:
                # The provider's sign-in accepts the invitation (services.identity).
                request.session[SESSION_KEY] = token
                return redirect(url)
    context["password_allowed"] = getattr(invitation.organisation, "password_login_allowed", True)
    if not context["password_allowed"]:
        # The organisation signs in through its identity provider only.
        return render(request, "invitations/accept.html", context)
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None, email=invitation.email
    )
    context["form"] = form
    context["account_exists"] = (
        get_user_model().objects.filter(username__iexact=invitation.email).exists()
    )
    if request.method == "POST" and not context["account_exists"] and form.is_valid():
        try:
            account = services.create_account_and_accept(
                invitation_token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except services.InvitationUnusable as error:
            return _unusable_page(request, services.find_invitation(token), error)
        except ValidationError as error:
            apply_service_errors(form, error)
        except IntegrityError:
            form.add_error(None, _("Someone created this account at the same moment. Log in."))
        else:
            # Through the configured backends, as a login would (throttling, password rules).
            signed_in = authenticate(
                request, username=account.get_username(), password=form.cleaned_data["password1"]
            )
            if signed_in is None:
                messages.success(request, _("Your account is ready. Log in with it."))
                return redirect("login")
            login(request, signed_in)
            messages.success(
                request,
                _("Welcome. You are now %(role)s in %(organisation)s.")
                % {"role": invitation.get_role_display(), "organisation": invitation.organisation},
            )
            return redirect("project_list")
    if form.is_bound and form.errors:
        messages.error(
            request, _("Your account was not created. Please correct the fields marked below.")
        )
    return render(request, "invitations/accept.html", context)


def _accept_signed_in(request, token: str, invitation: Invitation):
    try:
        services.accept_invitation(token, request.user)
    except services.InvitationUnusable as error:
        return _unusable_page(request, services.find_invitation(token), error)
    messages.success(
        request,
        _("You are now %(role)s in %(organisation)s.")
        % {"role": invitation.get_role_display(), "organisation": invitation.organisation},
    )
    return redirect("project_list")


def _unusable_page(request, invitation, error):
    # 404 for a link that never was; 410 (gone) for one that was used, withdrawn or expired.
    status = 404 if error.code == "unknown" else 410
    return render(
        request,
        "invitations/unusable.html",
        {"invitation": invitation, "reason": error.code, "message": error.messages[0]},
        status=status,
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "client_address": client_ip(self.request)}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("email", "throttled"):
            response.status_code = 429
        return response
