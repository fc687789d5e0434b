"""The signed-in user's e-mail notification settings."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from projects.access import user_permission
from projects.models import LanguagePreference, NotificationPreference
from projects.notification_forms import NotificationPreferencesForm
from projects.services.notifications import set_notification_preferences
from projects.views.common import render_form, submit


@user_permission("is_authenticated")
def notification_preferences(request):
    form = NotificationPreferencesForm(
        request.POST or None,
        frequencies=NotificationPreference.frequencies_of(request.user),
        language=LanguagePreference.of(request.user),
    )
    outcome = submit(
        request,
        form,
        lambda: set_notification_preferences(
            user=request.user,
            frequencies=form.frequencies,
            language=form.cleaned_data["language"],
        ),
    )
    if outcome.saved:
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notification_preferences")
    return render_form(
        request,
        form,
        title=_("E-mail notifications"),
        access=None,
        submit=_("Save settings"),
        intro=_(
            "Choose for each kind of e-mail whether it comes at once, bundled into a daily or "
            "weekly digest, or not at all. E-mails go to %(email)s."
        )
        % {"email": request.user.email or _("no address: ask an administrator to add yours")},
    )
