from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from projects.selectors import ProjectAccess, get_project_for_user


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
