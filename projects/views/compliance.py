"""Forms on a project's compliance: how far it has met each of its AI Act obligations.

The obligations are derived from the project's profile; those who may change the project
(its lead's coordinators and the agency's administrators) record their status, owner,
evidence and approval. Nothing is deleted: an obligation the profile no longer implies is
superseded, and may still be edited."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from projects import forms as project_forms
from projects import services
from projects.access import project_permission
from projects.models import ProjectObligation
from projects.views.common import render_form, submit


def obligation_url(held: ProjectObligation) -> str:
    """The obligation's row on the project page."""
    return f"{reverse('project_rules', args=[held.project_id])}#obligation-{held.pk}"


@project_permission("change", record=ProjectObligation)
def obligation_edit(request, access, record):
    held = record
    form = project_forms.ProjectObligationForm(request.POST or None, instance=held)
    outcome = submit(
        request,
        form,
        lambda: services.update_obligation(
            obligation=form.save(commit=False),
            expected_version=form.expected_version,
            fields=form.edited_fields,
        ),
    )
    if outcome.saved:
        messages.success(
            request,
            _("The obligation “%(obligation)s” was saved.") % {"obligation": held.obligation},
        )
        return redirect(obligation_url(outcome.result))
    return render_form(
        request,
        form,
        title=_("Obligation: %(obligation)s") % {"obligation": held.obligation},
        access=access,
        submit=_("Save obligation"),
        obligation=held,
        **outcome.extra,
    )
