import dataclasses
import logging
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from projects.access import ProjectAccess
from projects.models import SubmittedForm
from projects.services import ConcurrentEditError

logger = logging.getLogger(__name__)

# PostgreSQL's codes for a transaction that lost a race and may simply be run again.
RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def _retryable(error: DatabaseError) -> bool:
    return getattr(getattr(error, "__cause__", None), "sqlstate", None) in RETRYABLE_SQLSTATES


def _spend_token(request, form) -> SubmittedForm | None:
    """Claim the form's token inside the write's transaction; None when this form was saved
    already. A concurrent identical request waits here until the first one ends."""
    token = form.cleaned_data["submission_token"]
    try:
        with transaction.atomic():
            return SubmittedForm.objects.create(token=token, user=request.user)
    except IntegrityError:
        return None


def _already_saved(request, form) -> None:
    earlier = SubmittedForm.objects.filter(
        token=form.cleaned_data["submission_token"], user=request.user
    ).first()
    link = (
        format_html(' <a href="{}">{}</a>', earlier.saved_url, _("See what was saved."))
        if earlier and earlier.saved_url
        else ""
    )
    form.add_error(
        None,
        ValidationError(
            format_html(
                "{}{}",
                _(
                    "This form was already saved when you first sent it, so it was not saved "
                    "a second time. To add or change something, open the form again from the "
                    "project page."
                ),
                link,
            )
        ),
    )
    # What the form holds is saved: the page says so, and leaving it needs no warning.
    form.already_saved = True


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's validation errors at the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, ValidationError(errors))
    else:
        form.add_error(None, error)


@dataclass
class Submission:
    saved: bool = False
    result: object = None
    extra: dict = dataclasses.field(default_factory=dict)  # context for the page, e.g. a conflict


def submit(request, form, write, *, saved_url=None) -> Submission:
    """Call `write()` for a valid POSTed form. A service's refusal lands on the form's
    fields; someone else's newer change comes back as a comparison to show. A one-time form
    is saved once only; `saved_url(result)` says where the saved record is shown. A write
    that lost a database race is run once more, and otherwise refused with the input kept."""
    if request.method != "POST" or not form.is_valid():
        return Submission()
    instance = getattr(form, "instance", None)
    adding = instance is not None and instance._state.adding
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                claim = _spend_token(request, form) if "submission_token" in form.fields else None
                if "submission_token" in form.fields and claim is None:
                    _already_saved(request, form)
                    return Submission()
                result = write()
                if claim is not None and saved_url is not None:
                    claim.saved_url = saved_url(result)
                    claim.save(update_fields=["saved_url"])
            return Submission(saved=True, result=result)
        except ValidationError as error:
            apply_service_errors(form, error)
            return Submission()
        except ConcurrentEditError as error:
            return Submission(extra=apply_conflict(form, error))
        except DatabaseError as error:
            if not _retryable(error):
                raise
            logger.warning("Write lost a database race (attempt %s): %s", attempt, error)
            if adding:  # the rolled-back insert left its id on the object
                instance.pk = None
                instance._state.adding = True
    form.add_error(
        None,
        _(
            "Others were saving to this project at the same moment. Nothing was saved: "
            "please try again."
        ),
    )
    return Submission()


def render_form(request, form, *, title: str, access: ProjectAccess | None, submit: str, **extra):
    """The shared page for every form in a project, answering 200 with the user's input and
    the errors when the form is refused."""
    if form.is_bound and form.errors and not getattr(form, "already_saved", False):
        # Errors of hidden fields (an expired token) are shown above the form, not at a field.
        if any(name in form.fields and not form[name].is_hidden for name in form.errors):
            messages.error(request, _("Nothing was saved. Please correct the fields marked below."))
        else:
            messages.error(request, _("Nothing was saved. Read why at the top of the form."))
    context = {
        "form": form,
        "title": title,
        "access": access,
        "project": access.project if access else None,
        "submit": submit,
        **extra,
    }
    return render(request, "projects/form.html", context)


def _display(field, value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, QuerySet | list | set | tuple):
        return ", ".join(sorted(str(item) for item in value)) or "–"
    choices = dict(getattr(field, "choices", None) or [])
    if not isinstance(value, Model) and value in choices:
        return str(choices[value])
    return str(value)


def _comparable(value):
    if isinstance(value, QuerySet | list | set | tuple):
        return {getattr(item, "pk", item) for item in value}
    return getattr(value, "pk", value)


def apply_conflict(form, error) -> dict:
    """Refuse a save over someone else's newer change: keep the user's input, say who saved
    what meanwhile, and let a second save overwrite knowingly."""
    from auditlog.models import LogEntry

    current = error.current
    last = LogEntry.objects.get_for_object(current).select_related("actor").first()
    who = ""
    if last is not None:
        who = _("%(name)s saved it at %(time)s.") % {
            "name": (last.actor.get_full_name() or last.actor.get_username())
            if last.actor
            else _("Someone"),
            "time": date_format(localtime(last.timestamp), "SHORT_DATETIME_FORMAT"),
        }
    form.add_error(
        None,
        _(
            "Someone else changed this after you opened the form. Nothing was saved. %(who)s "
            "Compare their version with yours below; saving again keeps yours."
        )
        % {"who": who},
    )
    differences = []
    for name, field in form.fields.items():
        if name in {"version", "phase_id", "phase_version"} or not hasattr(current, name):
            continue
        saved = getattr(current, name)
        if hasattr(saved, "all"):
            saved = list(saved.all())
        yours = form.cleaned_data.get(name)
        if _comparable(saved) != _comparable(yours):
            differences.append((field.label, _display(field, saved), _display(field, yours)))
    # The next save is made knowing about their change.
    data = form.data.copy()
    if "phase_id" in form.fields:  # a gate decision concerns whichever phase is open now
        data["phase_id"] = str(current.pk)
        data["phase_version"] = str(current.version)
    else:
        data["version"] = str(current.version)
    form.data = data
    return {"conflict": differences}
