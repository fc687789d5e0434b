"""Compliance as data: the AI Act obligations a project has by its profile, and the legal
questions projects put and the answers they share with the programme."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel, VersionedModel
from .choices import (
    AIActRiskClass,
    AIActRole,
    AnnexIIIArea,
    LegalAddressee,
    LegalArea,
    LegalQuestionStatus,
    ObligationStatus,
    OrganisationKind,
    PhaseKind,
)
from .projects import Project
from .text import DESCRIPTION_MAX_LENGTH, EXPLANATION_MAX_LENGTH, NOTE_MAX_LENGTH, LimitedTextField


class Obligation(TimeStampedModel):
    """One duty of the AI Act in the catalogue, with the rule that decides whether a project
    has it. The catalogue is data (loaded from a versioned fixture, kept in the admin), so the
    dates from which duties apply can move without a code change."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_da = models.CharField(_("title (Danish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    article = models.CharField(_("article"), max_length=60, help_text=_("For example art. 26(2)."))
    source_url = models.URLField(_("source"), max_length=300, blank=True)
    # The rule. An empty list means "any".
    risk_classes = models.JSONField(
        _("risk classes"),
        default=list,
        blank=True,
        help_text=_("The AI Act risk classes it applies to; empty for every class."),
    )
    roles = models.JSONField(
        _("roles"),
        default=list,
        blank=True,
        help_text=_("Provider and/or deployer; empty for either."),
    )
    public_bodies_only = models.BooleanField(_("public bodies only"), default=False)
    annex_iii_only = models.BooleanField(
        _("Annex III systems only"),
        default=False,
        help_text=_("Applies only to systems in one of the areas of Annex III."),
    )
    excluded_annex_iii_areas = models.JSONField(
        _("excluded Annex III areas"), default=list, blank=True
    )
    applies_from = models.DateField(_("applies from"))
    phase = models.CharField(
        _("phase"),
        max_length=20,
        choices=PhaseKind.choices,
        help_text=_("The phase in which the project is to meet it."),
    )
    catalogue_version = models.PositiveSmallIntegerField(_("catalogue version"), default=1)

    class Meta:
        ordering = ["applies_from", "code"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=PhaseKind.values), name="obligation_phase_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} – {self.title}"

    @property
    def title(self) -> str:
        return self.title_da if translation.get_language() == "da" else self.title_en

    @property
    def before_operation(self) -> bool:
        """Met before the solution is put into operation (not a duty of running it)."""
        return PhaseKind(self.phase).order < PhaseKind.OPERATION.order

    def clean(self):
        errors = {}
        for field, allowed in (
            ("risk_classes", AIActRiskClass.values),
            ("roles", [r for r in AIActRole.values if r]),
            ("excluded_annex_iii_areas", [a for a in AnnexIIIArea.values if a]),
        ):
            value = getattr(self, field)
            if not isinstance(value, list) or not set(value) <= set(allowed):
                errors[field] = _("Choose among: %(values)s.") % {"values": ", ".join(allowed)}
        if errors:
            raise ValidationError(errors)

    def applies_to(self, project: Project, *, public_body: bool) -> bool:
        """Whether a project with this profile has the obligation."""
        if self.risk_classes and project.ai_act_risk_class not in self.risk_classes:
            return False
        if self.roles and project.ai_act_role not in self.roles:
            return False
        if self.public_bodies_only and not public_body:
            return False
        if self.annex_iii_only and not project.annex_iii_area:
            return False
        return project.annex_iii_area not in (self.excluded_annex_iii_areas or [])

    def due_on(self, planned_go_live: date | None) -> date:
        """The earlier of the date it applies from and the planned go-live."""
        if planned_go_live is None:
            return self.applies_from
        return min(self.applies_from, planned_go_live)


def is_public_body(kind: str) -> bool:
    """Municipalities, regions and the agency are public bodies; other partners may not be."""
    return kind != OrganisationKind.OTHER


class ProjectObligationQuerySet(models.QuerySet):
    def current(self):
        """Obligations the project has by its profile now (not superseded)."""
        return self.filter(superseded_on__isnull=True)

    def open(self):
        return self.current().filter(status__in=ObligationStatus.open_values())

    def overdue(self, today: date | None = None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ProjectObligation(VersionedModel, TimeStampedModel):
    """An obligation a project has by its risk profile, and how far it is met. When the
    profile changes so that it no longer applies it is superseded, never deleted."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("project")
    )
    obligation = models.ForeignKey(
        Obligation,
        on_delete=models.PROTECT,
        related_name="project_obligations",
        verbose_name=_("obligation"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ObligationStatus.choices,
        default=ObligationStatus.NOT_STARTED,
    )
    not_applicable_reason = LimitedTextField(
        _("why it does not apply"), max_length=NOTE_MAX_LENGTH, blank=True
    )
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    due_on = models.DateField(_("due"), editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=200, blank=True)
    evidence = LimitedTextField(
        _("evidence"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text=_("Links to the documents in the organisation's own archive, and notes."),
    )
    superseded_on = models.DateField(
        _("superseded on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The project's profile changed so that the obligation no longer applies."),
    )

    objects = ProjectObligationQuerySet.as_manager()

    class Meta:
        ordering = ["project", "due_on", "obligation__code"]
        verbose_name = _("project obligation")
        verbose_name_plural = _("project obligations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "obligation"], name="project_obligation_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ObligationStatus.values),
                name="project_obligation_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=ObligationStatus.NOT_APPLICABLE) | ~Q(not_applicable_reason=""),
                name="project_obligation_not_applicable_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on", "project"],
                condition=Q(superseded_on__isnull=True)
                & Q(status__in=["not_started", "in_progress"]),
                name="project_obligation_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.obligation}"

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    @property
    def is_open(self) -> bool:
        return self.superseded_on is None and self.status in ObligationStatus.open_values()

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    def clean(self):
        errors = {}
        if (
            self.status == ObligationStatus.NOT_APPLICABLE
            and not self.not_applicable_reason.strip()
        ):
            errors["not_applicable_reason"] = _("Say why the obligation does not apply.")
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)


class LegalQuestionQuerySet(models.QuerySet):
    def shared_answers(self):
        return self.filter(status=LegalQuestionStatus.ANSWERED, shared=True)


class LegalQuestion(VersionedModel, TimeStampedModel):
    """A legal question a project put to someone, and the answer it got; a shared answer is
    read by every signed-in user, so the next municipality need not ask again."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="legal_questions",
        verbose_name=_("project"),
    )
    barrier = models.ForeignKey(
        "projects.Barrier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="legal_questions",
        verbose_name=_("barrier it came from"),
    )
    question = LimitedTextField(_("question"), max_length=DESCRIPTION_MAX_LENGTH)
    legal_area = models.CharField(_("legal area"), max_length=30, choices=LegalArea.choices)
    asked_to = models.CharField(_("put to"), max_length=20, choices=LegalAddressee.choices)
    asked_on = models.DateField(_("asked on"), default=timezone.localdate)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=LegalQuestionStatus.choices,
        default=LegalQuestionStatus.OPEN,
    )
    answer = LimitedTextField(_("answer"), max_length=EXPLANATION_MAX_LENGTH, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_source = models.CharField(
        _("source of the answer"),
        max_length=300,
        blank=True,
        help_text=_("For example a reply from Datatilsynet with its case number, or a link."),
    )
    shared = models.BooleanField(
        _("share the answer with the whole programme"),
        default=False,
        help_text=_("Every signed-in user can then find the question and its answer."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("raised by"),
    )

    objects = LegalQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_on", "-id"]
        verbose_name = _("legal question")
        verbose_name_plural = _("legal questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_area__in=LegalArea.values), name="legal_question_area_valid"
            ),
            models.CheckConstraint(
                condition=Q(asked_to__in=LegalAddressee.values),
                name="legal_question_addressee_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=LegalQuestionStatus.ANSWERED)
                | (~Q(answer="") & Q(answered_on__isnull=False)),
                name="legal_question_answered_with_answer",
            ),
            models.CheckConstraint(
                condition=Q(shared=False) | Q(status=LegalQuestionStatus.ANSWERED),
                name="legal_question_shared_when_answered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["asked_on", "id"],
                condition=Q(status="open"),
                name="legal_question_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.question[:80]

    def get_additional_data(self) -> dict:
        return {"project_id": self.project_id}

    def clean(self):
        errors = {}
        if self.status == LegalQuestionStatus.ANSWERED:
            if not self.answer.strip():
                errors["answer"] = _("Write the answer.")
            if not self.answered_on:
                errors["answered_on"] = _("Give the date of the answer.")
        if self.shared and self.status != LegalQuestionStatus.ANSWERED:
            errors["shared"] = _("Only an answered question can be shared.")
        if self.answered_on and self.asked_on and self.answered_on < self.asked_on:
            errors["answered_on"] = _("The answer cannot be dated before the question.")
        for field in ("asked_on", "answered_on"):
            value = getattr(self, field)
            if value and value > timezone.localdate():
                errors[field] = _("The date cannot be in the future.")
        if self.barrier_id and self.project_id and self.barrier.project_id != self.project_id:
            errors["barrier"] = _("The barrier belongs to another project.")
        if errors:
            raise ValidationError(errors)


def planned_go_live(project_id: int) -> date | None:
    """When the project plans to go into operation: the planned end of its implementation
    phase, else the project's planned end."""
    from .projects import Phase

    planned = (
        Phase.objects.filter(project_id=project_id, kind=PhaseKind.IMPLEMENTATION)
        .exclude(planned_end_on=None)
        .order_by("-started_on", "-id")
        .values_list("planned_end_on", flat=True)
        .first()
    )
    if planned is None:
        planned = (
            Project.objects.filter(pk=project_id).values_list("planned_end_date", flat=True).first()
        )
    return planned


def derive_obligations(project_id: int) -> None:
    """Give the project the obligations its profile implies, with their due dates: new ones
    appear, those that no longer apply are superseded (never deleted), and a superseded one
    that applies again comes back as it was. Runs on every write of a project, its phases,
    its lead organisation and the catalogue, whichever path the write takes."""
    project = (
        Project.objects.select_related("lead_organisation")
        .filter(pk=project_id)
        .only(
            "ai_act_risk_class",
            "ai_act_role",
            "annex_iii_area",
            "planned_end_date",
            "lead_organisation__kind",
        )
        .first()
    )
    if project is None:
        return
    public_body = is_public_body(project.lead_organisation.kind)
    go_live = planned_go_live(project_id)
    existing = {
        held.obligation_id: held for held in ProjectObligation.objects.filter(project=project)
    }
    today = timezone.localdate()
    for obligation in Obligation.objects.all():
        held = existing.get(obligation.pk)
        if obligation.applies_to(project, public_body=public_body):
            due = obligation.due_on(go_live)
            if held is None:
                ProjectObligation(project=project, obligation=obligation, due_on=due).save()
            elif held.superseded_on is not None or held.due_on != due:
                held.superseded_on, held.due_on = None, due
                held.save(update_fields=["superseded_on", "due_on", "updated_at"])
        elif held is not None and held.superseded_on is None:
            held.superseded_on = today
            held.save(update_fields=["superseded_on", "updated_at"])


def applicability(obligation: Obligation) -> Q:
    """The obligation's rule as a condition on projects, for applying the catalogue to many
    projects at once (the same rule as `Obligation.applies_to`)."""
    condition = Q()
    if obligation.risk_classes:
        condition &= Q(ai_act_risk_class__in=obligation.risk_classes)
    if obligation.roles:
        condition &= Q(ai_act_role__in=obligation.roles)
    if obligation.public_bodies_only:
        condition &= ~Q(lead_organisation__kind=OrganisationKind.OTHER)
    if obligation.annex_iii_only:
        condition &= ~Q(annex_iii_area="")
    if obligation.excluded_annex_iii_areas:
        condition &= ~Q(annex_iii_area__in=obligation.excluded_annex_iii_areas)
    return condition


def apply_catalogue(projects=None, obligations=None, *, history: bool = True) -> None:
    """Derive the obligations of many projects at once (all by default) for these catalogue
    entries (all by default), in bulk: after bulk loads and when the catalogue changes. Bulk
    writes send no signals, so the audit entries of what changed are written here, in bulk
    too (`history=False` for loading demo data, whose other bulk inserts have none either)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .projects import Phase

    projects = Project.objects.all() if projects is None else projects
    obligations = list(Obligation.objects.all() if obligations is None else obligations)
    implementation_end = (
        Phase.objects.filter(project=OuterRef("pk"), kind=PhaseKind.IMPLEMENTATION)
        .exclude(planned_end_on=None)
        .order_by("-started_on", "-id")
        .values("planned_end_on")[:1]
    )
    today = timezone.localdate()
    for obligation in obligations:
        applying = {
            pk: (go_live, title)
            for pk, go_live, title in projects.filter(applicability(obligation))
            .annotate(go_live=Coalesce(Subquery(implementation_end), "planned_end_date"))
            .values_list("pk", "go_live", "title")
        }
        held = {
            row.project_id: row
            for row in ProjectObligation.objects.filter(
                obligation=obligation, project__in=projects.values("pk")
            )
            .select_related("project")
            .only("id", "project_id", "due_on", "superseded_on", "status", "project__title")
        }
        new, changed = [], []
        for project_id, (go_live, _title) in applying.items():
            due = obligation.due_on(go_live)
            row = held.get(project_id)
            if row is None:
                new.append(
                    ProjectObligation(project_id=project_id, obligation=obligation, due_on=due)
                )
            elif row.superseded_on is not None or row.due_on != due:
                changed.append((row, {"superseded_on": row.superseded_on, "due_on": row.due_on}))
                row.superseded_on, row.due_on = None, due
        for project_id, row in held.items():
            if project_id not in applying and row.superseded_on is None:
                changed.append((row, {"superseded_on": None}))
                row.superseded_on = today
        ProjectObligation.objects.bulk_create(new, batch_size=1000)
        ProjectObligation.objects.bulk_update(
            [row for row, _before in changed], ["superseded_on", "due_on"], batch_size=1000
        )
        if history:
            titles = {pk: title for pk, (_go_live, title) in applying.items()}
            titles.update({row.project_id: row.project.title for row in held.values()})
            _record_bulk_history(obligation, new, changed, titles)


def _record_bulk_history(
    obligation: Obligation,
    created: list[ProjectObligation],
    changed: list[tuple[ProjectObligation, dict]],
    titles: dict[int, str],
) -> None:
    """The audit entries `auditlog` would have written for these rows had they been saved one
    by one, with the actor of the request or command that caused them, written in bulk."""
    from auditlog.cid import get_cid
    from auditlog.context import auditlog_disabled
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import pre_save

    if auditlog_disabled.get() or not (created or changed):
        return
    content_type = ContentType.objects.get_for_model(ProjectObligation)
    timestamp = timezone.now()

    def entry(row: ProjectObligation, action: int, changes: dict) -> LogEntry:
        logged = LogEntry(
            content_type=content_type,
            object_pk=str(row.pk),
            object_id=row.pk,
            object_repr=f"{titles.get(row.project_id, row.project_id)} – {obligation}",
            action=action,
            # Dates and ids as auditlog stores them: "2026-08-02", "None".
            changes={name: [str(old), str(new)] for name, (old, new) in changes.items()},
            cid=get_cid(),
            timestamp=timestamp,
            additional_data={"project_id": row.project_id},
        )
        # As a save would: the request's (or command's) actor and address are filled in by
        # auditlog's receiver while its context is open.
        pre_save.send(sender=LogEntry, instance=logged, raw=False, using=None, update_fields=None)
        return logged

    entries = [
        entry(
            row,
            LogEntry.Action.CREATE,
            {
                "project": (None, row.project_id),
                "obligation": (None, obligation.pk),
                "status": (None, row.status),
                "due_on": (None, row.due_on),
            },
        )
        for row in created
    ]
    for row, before in changed:
        changes = {
            name: (value, getattr(row, name))
            for name, value in before.items()
            if value != getattr(row, name)
        }
        entries.append(entry(row, LogEntry.Action.UPDATE, changes))
    LogEntry.objects.bulk_create(entries, batch_size=1000)
