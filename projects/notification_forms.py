"""The form of a user's e-mail notification settings."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from projects.models import NotificationFrequency, NotificationKind


def frequency_choices(kind: str) -> list[tuple[str, str]]:
    choices = NotificationFrequency.choices
    if kind == NotificationKind.DIGEST:
        return [(value, label) for value, label in choices if value != "immediately"]
    return list(choices)


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of e-mail, and the language they are written in."""

    language = forms.ChoiceField(
        label=_("Language of the e-mails"), choices=settings.LANGUAGES, initial="da"
    )

    def __init__(self, *args, frequencies: dict[str, str], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=frequency_choices(kind), initial=frequencies[kind]
            )
        # The digest last, as the page explains it.
        self.order_fields([*NotificationKind.events(), NotificationKind.DIGEST, "language"])
        self.fields[NotificationKind.DIGEST].help_text = _(
            "Projects without a recent status update, follow-up requests waiting for more than "
            "a week, AI Act obligations and benefit measurements falling due, and for the "
            "agency the escalated barriers. Sent only when there is something to tell."
        )

    @property
    def frequencies(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in NotificationKind.values}
