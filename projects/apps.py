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
        auditlog.register(models.Participation, exclude_fields=noise)
        auditlog.register(models.OperationDecision, exclude_fields=noise)
        auditlog.register(
            models.BenefitIndicator, exclude_fields=[*noise, "latest_value", "latest_on"]
        )
        auditlog.register(models.BenefitMeasurement, exclude_fields=noise)
        auditlog.register(models.Spending, exclude_fields=noise)
        auditlog.register(models.Supplier, exclude_fields=noise)
        auditlog.register(models.ProjectSupplier, exclude_fields=noise)
        auditlog.register(models.Obligation, exclude_fields=noise)
        auditlog.register(models.ProjectObligation, exclude_fields=noise)
        auditlog.register(models.LegalQuestion, exclude_fields=noise)
        auditlog.register(models.RegisterRecord, exclude_fields=noise)
        auditlog.register(models.RegisterSnapshot)
        # The token hash is a secret, and the sending time says nothing about who did what.
        auditlog.register(
            models.Invitation, exclude_fields=[*noise, "token_hash", "sent_at", "send_failed_at"]
        )
        # Who created and revoked which token; never the hash, nor every use.
        auditlog.register(models.ApiToken, exclude_fields=[*noise, "secret_hash", "last_used_at"])
        auditlog.register(models.Solution, exclude_fields=noise, m2m_fields={"projects", "lessons"})
        auditlog.register(models.Adoption, exclude_fields=[*noise, "owner_seen_at"])
        # Who was linked to which identity at a provider; not every sign-in.
        auditlog.register(models.ExternalIdentity, exclude_fields=[*noise, "last_login_at"])
        auditlog.register(models.NotificationPreference, exclude_fields=noise)
        auditlog.register(models.LanguagePreference, exclude_fields=noise)
        # The outbox: what was written to whom; each delivery attempt is not history.
        sending = ["state", "sent_at", "attempts", "next_attempt_at", "last_error", "digest"]
        auditlog.register(models.Notification, exclude_fields=[*noise, *sending])

        from django.db.models.signals import (
            m2m_changed,
            post_delete,
            post_save,
            pre_delete,
            pre_save,
        )

        # The project's current phase, outcome, status, benefit realisation and consultant
        # share follow its phases, status updates, operation decisions, participants,
        # indicators, measurements and spending on every write path: services, the Django
        # admin and plain ORM saves.
        derived_from = (
            models.Phase,
            models.StatusUpdate,
            models.OperationDecision,
            models.Participation,
            models.BenefitIndicator,
            models.BenefitMeasurement,
            models.Spending,
        )
        for model in derived_from:
            pre_save.connect(_lock_project, sender=model, dispatch_uid=f"lock-{model}")
            pre_delete.connect(_lock_project, sender=model, dispatch_uid=f"lock-d-{model}")
            post_save.connect(_refresh_project, sender=model, dispatch_uid=f"derived-{model}")
            post_delete.connect(_refresh_project, sender=model, dispatch_uid=f"derived-d-{model}")
        # A project's AI Act obligations follow its profile, its planned go-live (the phases),
        # its lead organisation (public body or not) and the catalogue.
        post_save.connect(_derive_obligations, sender=models.Project, dispatch_uid="obl-p")
        # The lead organisation may change (the agency moves a project): whose decisions
        # count follows.
        post_save.connect(_refresh_own_project, sender=models.Project, dispatch_uid="derived-p")
        post_save.connect(_derive_obligations, sender=models.Phase, dispatch_uid="obl-ph")
        post_delete.connect(_derive_obligations, sender=models.Phase, dispatch_uid="obl-ph-d")
        post_save.connect(_organisation_changed, sender=models.Organisation, dispatch_uid="obl-o")
        post_save.connect(_catalogue_changed, sender=models.Obligation, dispatch_uid="obl-c")
        m2m_changed.connect(
            _participants_changed,
            sender=models.Project.participants.through,
            dispatch_uid="derived-participants",
        )
        # SQLite's Danish search tables follow the lessons and legal questions.
        from projects import search

        search.connect_signals(self)


def _lock_project(sender, instance, **kwargs):
    """Take the project's lock before the record's row is written, as the services do, so
    that an admin or ORM write and a service never lock the two in opposite orders."""
    from django.db import transaction

    from projects.models import Project
    from projects.models.projects import being_deleted

    if kwargs.get("raw") or not instance.project_id or being_deleted(instance.project_id):
        return
    if transaction.get_connection().in_atomic_block:
        list(
            Project.objects.select_for_update(no_key=True)
            .filter(pk=instance.project_id)
            .values_list("pk", flat=True)
        )


def _refresh_project(sender, instance, **kwargs):
    from django.db.models.signals import post_delete

    from projects.models import BenefitIndicator, BenefitMeasurement, refresh_derived
    from projects.models.destination import refresh_indicator
    from projects.models.projects import being_deleted

    if kwargs.get("raw"):  # loading fixtures: the project row carries its fields already
        return
    if being_deleted(instance.project_id):  # its rows go with it: nothing to recompute
        return
    if sender is BenefitMeasurement:
        refresh_indicator(instance.indicator_id)
    elif sender is BenefitIndicator and kwargs.get("signal") is not post_delete:
        # A save of a copy read before a measurement was added writes its old latest value.
        refresh_indicator(instance.pk)
    refresh_derived(instance.project_id)


def _participants_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Participants added or removed through the many-to-many field (which writes its rows
    without saving them one by one) can change whether the solution has spread."""
    from projects.models import refresh_derived

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # changed from the organisation's side
        for project_id in pk_set or ():
            refresh_derived(project_id)
    else:
        refresh_derived(instance.pk)


def _derive_obligations(sender, instance, **kwargs):
    from projects.models import Project, derive_obligations
    from projects.models.projects import being_deleted

    if kwargs.get("raw"):
        return
    project_id = instance.pk if sender is Project else instance.project_id
    if not being_deleted(project_id):
        derive_obligations(project_id)


def _organisation_changed(sender, instance, created, **kwargs):
    from projects.models import apply_catalogue

    if kwargs.get("raw") or created:
        return
    apply_catalogue(instance.led_projects.all())


def _catalogue_changed(sender, instance, **kwargs):
    from projects.models import apply_catalogue

    if kwargs.get("raw"):
        return
    apply_catalogue(obligations=[instance])


def _refresh_own_project(sender, instance, created, **kwargs):
    from projects.models import refresh_derived

    if kwargs.get("raw") or created:
        return
    refresh_derived(instance.pk)
