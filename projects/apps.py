from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Signature projects")

    def ready(self):
        from auditlog.registry import auditlog

        from projects import models

        # Timestamps and the version counter change on every save; they say nothing new.
        noise = ["created_at", "updated_at", "version"]
        auditlog.register(models.Organisation, exclude_fields=noise)
        auditlog.register(models.Membership, exclude_fields=noise)
        auditlog.register(models.FundingRound, exclude_fields=noise)
        auditlog.register(models.Project, exclude_fields=noise, m2m_fields={"participants"})
        auditlog.register(models.Phase, exclude_fields=noise)
        auditlog.register(models.StatusUpdate, exclude_fields=noise)
        auditlog.register(models.Barrier, exclude_fields=noise)
        auditlog.register(models.Decision, exclude_fields=noise, m2m_fields={"barriers"})
        auditlog.register(models.LessonLearned, exclude_fields=noise)
        auditlog.register(models.ReviewNote, exclude_fields=noise)

        from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

        # The project's current phase, outcome and status follow its phases and status
        # updates on every write path: services, the Django admin and plain ORM saves.
        for model in (models.Phase, models.StatusUpdate):
            pre_save.connect(_lock_project, sender=model, dispatch_uid=f"lock-{model}")
            pre_delete.connect(_lock_project, sender=model, dispatch_uid=f"lock-d-{model}")
            post_save.connect(_refresh_project, sender=model, dispatch_uid=f"derived-{model}")
            post_delete.connect(_refresh_project, sender=model, dispatch_uid=f"derived-d-{model}")


def _lock_project(sender, instance, **kwargs):
    """Take the project's lock before the record's row is written, as the services do, so
    that an admin or ORM write and a service never lock the two in opposite orders."""
    from django.db import transaction

    from projects.models import Project

    if kwargs.get("raw") or not instance.project_id:
        return
    if transaction.get_connection().in_atomic_block:
        list(
            Project.objects.select_for_update(no_key=True)
            .filter(pk=instance.project_id)
            .values_list("pk", flat=True)
        )


def _refresh_project(sender, instance, **kwargs):
    from projects.models import refresh_derived

    if kwargs.get("raw"):  # loading fixtures: the project row carries its fields already
        return
    refresh_derived(instance.project_id)
