"""Writes on the public algorithm register: a project's register record is prefilled from the
project, edited, submitted, approved or returned with a note by the agency, published as an
immutable snapshot and withdrawn. Each write is one transaction that locks the project first,
then the record, and checks the version a form was opened at."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.models import (
    AIActRiskClass,
    Area,
    DPIAStatus,
    Outcome,
    Phase,
    PhaseKind,
    Project,
    ProjectSupplier,
    PublicationCategory,
    RegisterRecord,
    RegisterSnapshot,
    RegisterState,
    RegisterStatus,
    RegisterTheme,
    YesNoUnknown,
)
from projects.services.base import check_version, lock_project, save

# The policy areas of the standard that each of the programme's areas falls in.
THEMES_BY_AREA = {
    Area.HEALTH: [RegisterTheme.HEALTH],
    Area.EMPLOYMENT: [RegisterTheme.EMPLOYMENT, RegisterTheme.SOCIAL_SECURITY],
    Area.SOCIAL: [RegisterTheme.SOCIAL_SECURITY, RegisterTheme.HEALTH],
    Area.CHILDREN: [RegisterTheme.SOCIAL_SECURITY, RegisterTheme.EDUCATION],
    Area.ELDERLY: [RegisterTheme.HEALTH, RegisterTheme.SOCIAL_SECURITY],
    Area.CLIMATE: [RegisterTheme.NATURE],
    Area.TECHNICAL: [RegisterTheme.INFRASTRUCTURE],
    Area.ADMINISTRATION: [RegisterTheme.ORGANISATION],
}


def _shorten(text: str, limit: int) -> str:
    """The text cut at a word boundary to fit `limit` characters, marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def register_status_of(project: Project) -> str:
    if project.outcome in (Outcome.IN_OPERATION, Outcome.SCALED) or project.current_phase in (
        PhaseKind.OPERATION,
        PhaseKind.SCALING,
    ):
        return RegisterStatus.IN_USE
    if project.outcome in Outcome.closed_values():
        return RegisterStatus.OUT_OF_USE
    return RegisterStatus.IN_DEVELOPMENT


def publication_category_of(project: Project) -> str:
    """High-risk under the AI Act; impactful when it processes personal data (it concerns
    citizens); otherwise another algorithm."""
    if project.ai_act_risk_class == AIActRiskClass.HIGH:
        return PublicationCategory.HIGH_RISK
    if project.personal_data == YesNoUnknown.YES:
        return PublicationCategory.IMPACTFUL
    return PublicationCategory.OTHER


def prefilled_record(project: Project) -> RegisterRecord:
    """A new register record (not saved) filled in from what the project already holds. The
    texts are in Danish, the register's language, whatever the interface language."""
    status = register_status_of(project)
    in_use_since = (
        Phase.objects.filter(project=project, kind=PhaseKind.OPERATION)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    suppliers = list(
        ProjectSupplier.objects.filter(project=project)
        .order_by("supplier__name")
        .values_list("supplier__name", flat=True)
        .distinct()
    )
    with translation.override("da"):
        impact_links, impact_note = [], ""
        if project.dpia_status == DPIAStatus.COMPLETED and project.dpia_link:
            impact_links = [
                {"title": _("Data protection impact assessment (DPIA)"), "link": project.dpia_link}
            ]
        elif project.dpia_status == DPIAStatus.NOT_REQUIRED:
            impact_note = _("A data protection impact assessment (DPIA) was not required.")
        technique = _("AI technique: %(technique)s.") % {
            "technique": project.get_ai_technique_display()
        }
    return RegisterRecord(
        project=project,
        name=_shorten(project.title, 100),
        description_short=_shorten(project.summary, 350),
        goal=_shorten(project.summary, 2_500),
        category=[theme.value for theme in THEMES_BY_AREA.get(project.area, [])],
        status=status,
        begin_date=in_use_since.strftime("%Y-%m") if in_use_since else "",
        contact_email=project.contact_email,
        publication_category=publication_category_of(project),
        lawful_basis=_shorten(project.legal_basis, 2_500),
        impacttoetsen_grouping=impact_links,
        impacttoetsen=impact_note,
        methods_and_models=technique,
        provider=_shorten(", ".join(suppliers), 200),
        senior_responsible_owner=project.project_owner[:200],
    )


def _lock(record_pk: int, project_id: int) -> RegisterRecord:
    lock_project(project_id)
    return RegisterRecord.objects.select_for_update(no_key=True).get(
        pk=record_pk, project_id=project_id
    )


def _refuse(message: str):
    raise ValidationError(message)


@transaction.atomic
def save_register_record(
    *, record: RegisterRecord, expected_version: int | None, fields: list[str]
) -> RegisterRecord:
    """Create the project's register record, or save the `fields` a form changed if nobody
    saved it since the form was opened. Editing an approved, published or withdrawn record
    takes it back to a draft that needs a new review (the published version stays public
    until a new one is published); a record under review cannot be edited."""
    if record._state.adding:
        lock_project(record.project_id)
        if RegisterRecord.objects.filter(project_id=record.project_id).exists():
            _refuse(_("The project already has a register record. Open it again to edit it."))
        record.state = RegisterState.DRAFT
        return save(record)
    current = _lock(record.pk, record.project_id)
    check_version(current, expected_version)
    if not current.is_editable:
        _refuse(_("The record is being reviewed by the agency and cannot be edited meanwhile."))
    for name in fields:
        setattr(current, name, getattr(record, name))
    changed = [*fields, "updated_at"]
    if current.state not in (RegisterState.DRAFT, RegisterState.RETURNED):
        current.state = RegisterState.DRAFT
        current.approved_at = current.approved_by = None
        changed += ["state", "approved_at", "approved_by"]
    return save(current, update_fields=changed)


@transaction.atomic
def submit_register_record(*, record: RegisterRecord, user) -> RegisterRecord:
    """Send a draft (or a returned record) to the agency for review."""
    current = _lock(record.pk, record.project_id)
    if current.state not in (RegisterState.DRAFT, RegisterState.RETURNED):
        _refuse(_("Only a draft or a returned record can be submitted for review."))
    current.state = RegisterState.SUBMITTED
    current.submitted_at, current.submitted_by = timezone.now(), user
    return save(current, update_fields=["state", "submitted_at", "submitted_by", "updated_at"])


@transaction.atomic
def approve_register_record(*, record: RegisterRecord, user) -> RegisterRecord:
    """The agency approves a submitted record for publication."""
    current = _lock(record.pk, record.project_id)
    if current.state != RegisterState.SUBMITTED:
        _refuse(_("Only a record submitted for review can be approved."))
    current.state = RegisterState.APPROVED
    current.approved_at, current.approved_by = timezone.now(), user
    current.return_note = ""
    return save(
        current,
        update_fields=["state", "approved_at", "approved_by", "return_note", "updated_at"],
    )


@transaction.atomic
def return_register_record(*, record: RegisterRecord, user, note: str) -> RegisterRecord:
    """The agency sends a submitted record back to the project with a note on what to
    change; the project edits it and submits it again."""
    current = _lock(record.pk, record.project_id)
    if current.state != RegisterState.SUBMITTED:
        _refuse(_("Only a record submitted for review can be returned."))
    if not note.strip():
        raise ValidationError({"return_note": _("Say what needs to change.")})
    current.state = RegisterState.RETURNED
    current.returned_at, current.returned_by = timezone.now(), user
    current.return_note = note.strip()
    return save(
        current,
        update_fields=["state", "returned_at", "returned_by", "return_note", "updated_at"],
    )


@transaction.atomic
def publish_register_record(*, record: RegisterRecord, user) -> RegisterSnapshot:
    """Publish an approved record (or republish a withdrawn one unchanged since its
    approval): its content is frozen into a new numbered snapshot, which the public reads
    from now on instead of any earlier one."""
    project = lock_project(record.project_id)
    current = RegisterRecord.objects.select_for_update(no_key=True).get(pk=record.pk)
    if not current.is_publishable:
        _refuse(_("Only a record approved by the agency can be published."))
    current.full_clean()
    now = timezone.now()
    latest = current.snapshots.aggregate(latest=Max("version"))["latest"] or 0
    snapshot = RegisterSnapshot(
        record=current,
        version=latest + 1,
        data=current.snapshot_data(project.lead_organisation.name),
        organisation_id=project.lead_organisation_id,
        published_at=now,
        published_by=user,
    )
    snapshot.save()
    current.state = RegisterState.PUBLISHED
    current.public_snapshot = snapshot
    current.published_at, current.published_by = now, user
    current.withdrawn_at = current.withdrawn_by = None
    save(
        current,
        update_fields=[
            "state",
            "public_snapshot",
            "published_at",
            "published_by",
            "withdrawn_at",
            "withdrawn_by",
            "updated_at",
        ],
    )
    return snapshot


@transaction.atomic
def withdraw_register_record(*, record: RegisterRecord, user) -> RegisterRecord:
    """Take the record out of the public register: every published version of it is marked
    withdrawn. A published record becomes withdrawn (and may be published again); a record
    being reworked keeps its place in the workflow."""
    current = _lock(record.pk, record.project_id)
    if current.public_snapshot_id is None:
        _refuse(_("The record is not in the public register."))
    now = timezone.now()
    for snapshot in current.snapshots.filter(withdrawn_at__isnull=True):
        snapshot.withdrawn_at, snapshot.withdrawn_by = now, user
        snapshot.save()
    fields = ["public_snapshot", "withdrawn_at", "withdrawn_by", "updated_at"]
    current.public_snapshot = None
    current.withdrawn_at, current.withdrawn_by = now, user
    if current.state == RegisterState.PUBLISHED:
        current.state = RegisterState.WITHDRAWN
        fields.append("state")
    return save(current, update_fields=fields)
