"""Forms for inviting a colleague, accepting an invitation and asking for a new password."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from projects.access import invitable_roles, organisations_invitable_by
from projects.models import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation link is sent to this address and works once."),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        organisations = organisations_invitable_by(user)
        self.fields["organisation"].queryset = organisations
        offered = {
            role for organisation in organisations for role in invitable_roles(user, organisation)
        }
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r.value in offered]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        cleaned = super().clean()
        organisation, role = cleaned.get("organisation"), cleaned.get("role")
        if organisation and role and role not in invitable_roles(self.user, organisation):
            self.add_error(
                "role",
                _("You may not invite anyone to %(organisation)s as %(role)s.")
                % {"organisation": organisation, "role": Role(role).label},
            )
        return cleaned


class AcceptInvitationForm(forms.Form):
    """A new account for the invited address: name and a password (Django's validators)."""

    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            candidate = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _count(key: str) -> int:
    """One more request under `key` within the hour (fixed window from the first)."""
    cache.add(key, 0, timeout=60 * 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60 * 60)
        return 1


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, counted per address and per client in the database cache, and
    sending nothing to a user whose organisation signs in through its identity provider.
    Whoever asks gets the same answer, whether or not the address belongs to an account."""

    def __init__(self, *args, client_address: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_address = client_address or "unknown"
        self.fields["email"].label = _("E-mail address")

    def clean_email(self):
        import hashlib

        email = self.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(email.encode()).hexdigest()
        by_address = _count(f"password-reset:client:{self.client_address}")
        by_email = _count(f"password-reset:email:{digest}")
        if (
            by_address > settings.PASSWORD_RESET_ADDRESS_HOURLY_LIMIT
            or by_email > settings.PASSWORD_RESET_EMAIL_HOURLY_LIMIT
        ):
            raise forms.ValidationError(
                _(
                    "Too many requests for a new password have been made from here or for this "
                    "address. Please try again in an hour."
                ),
                code="throttled",
            )
        return email

    def get_users(self, email):
        for user in super().get_users(email):
            memberships = user.memberships.select_related("organisation")
            if all(
                getattr(membership.organisation, "password_login_allowed", True)
                for membership in memberships
            ):
                yield user

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # In the user's chosen language, Danish unless they chose otherwise.
        with translation.override(preferred_language(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


def preferred_language(user) -> str:
    preference = getattr(user, "language_preference", None)
    return getattr(preference, "language", None) or settings.LANGUAGE_CODE
