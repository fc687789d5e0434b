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

        from django.db.models.signals import m2m_changed, post_delete, post_save

        from projects.cache import portfolio_changed

        portfolio_models = [
            models.Organisation,
            models.FundingRound,
            models.Project,
            models.Phase,
            models.StatusUpdate,
            models.Barrier,
            models.Decision,
            models.LessonLearned,
            models.ReviewNote,
        ]
        for model in portfolio_models:
            post_save.connect(portfolio_changed, sender=model, dispatch_uid=f"cache-{model}")
            post_delete.connect(portfolio_changed, sender=model, dispatch_uid=f"cache-d-{model}")
        for through in (models.Project.participants.through, models.Decision.barriers.through):
            m2m_changed.connect(portfolio_changed, sender=through, dispatch_uid=f"cache-{through}")
