"""What every write shares: locks taken in one order, version checks, validation."""

from django.db import models

from projects.models import Project


class ConcurrentEditError(Exception):
    """Someone else saved the record after the form was opened."""

    def __init__(self, current):
        super().__init__(f"{type(current).__name__} {current.pk} changed meanwhile")
        self.current = current


def lock_project(project_id: int) -> Project:
    """Lock the project row for the rest of the transaction and return it as stored now.

    Every write that touches a project or its records takes this lock first, so writers of
    one project queue in one order and never deadlock; writers of other projects do not wait.
    NO KEY UPDATE lets other transactions keep inserting rows that merely reference it.
    """
    return Project.objects.select_for_update(no_key=True).get(pk=project_id)


def lock_record(model: type[models.Model], pk: int, *, project_id: int) -> models.Model:
    """Lock the project, then the record under it, and return the record as stored now."""
    lock_project(project_id)
    manager = getattr(model, "all_objects", model._default_manager)
    return manager.select_for_update(no_key=True).get(pk=pk, project_id=project_id)


def check_version(current, expected_version: int | None) -> None:
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEditError(current)


def save(instance, *, update_fields=None):
    """Validate with the model's own rules, then save (only `update_fields`, when given)."""
    instance.full_clean()
    instance.save(update_fields=update_fields)
    return instance
