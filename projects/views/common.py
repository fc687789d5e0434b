import dataclasses
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from projects.selectors import ProjectAccess, get_project_for_user
from projects.services import ConcurrentEditError


def project_to_change(request, pk: int) -> ProjectAccess:
    """The project if the user may change it; 404 if they may not read it, else 403."""
    access = get_project_for_user(request.user, pk)
    if not access.can_change:
        raise PermissionDenied
    return access


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


def submit(request, form, write) -> Submission:
    """Call `write()` for a valid POSTed form. A service's refusal lands on the form's
    fields; someone else's newer change comes back as a comparison to show."""
    if request.method != "POST" or not form.is_valid():
        return Submission()
    try:
        return Submission(saved=True, result=write())
    except ValidationError as error:
        apply_service_errors(form, error)
        return Submission()
    except ConcurrentEditError as error:
        return Submission(extra=apply_conflict(form, error))


def render_form(request, form, *, title: str, access: ProjectAccess | None, submit: str, **extra):
    """The shared page for every form in a project, answering 200 with the user's input and
    the errors when the form is refused."""
    if form.is_bound and form.errors:
        messages.error(request, _("Nothing was saved. Please correct the fields marked below."))
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
