"""Register records in each state of the workflow, and the edit form's data."""

from projects.models import RegisterRecord, RegisterState
from projects.register_forms import RegisterRecordForm
from projects.services import register as register_services
from tests import factories


def record_in_state(project, state: str, *, coordinator, reviewer, **fields) -> RegisterRecord:
    """The project's register record, prefilled, moved through the workflow's services to
    `state`."""
    record = register_services.prefilled_record(project)
    record.contact_email = "algoritmer@example.dk"
    for name, value in fields.items():
        setattr(record, name, value)
    register_services.save_register_record(record=record, expected_version=None, fields=[])
    if state == RegisterState.DRAFT:
        return record
    register_services.submit_register_record(record=record, user=coordinator)
    if state == RegisterState.RETURNED:
        register_services.return_register_record(
            record=record, user=reviewer, note="Beskriv den menneskelige kontrol."
        )
    if state in (RegisterState.APPROVED, RegisterState.PUBLISHED, RegisterState.WITHDRAWN):
        register_services.approve_register_record(record=record, user=reviewer)
    if state in (RegisterState.PUBLISHED, RegisterState.WITHDRAWN):
        register_services.publish_register_record(record=record, user=coordinator)
    if state == RegisterState.WITHDRAWN:
        register_services.withdraw_register_record(record=record, user=reviewer)
    record.refresh_from_db()
    return record


def register_world(world) -> dict[str, RegisterRecord]:
    """A project of the world's lead organisation (with the same participant) per workflow
    state, each with its register record."""
    users = world.users
    return {
        state: record_in_state(
            factories.ProjectFactory(
                title=f"Registerprojekt {state}",
                lead_organisation=world.lead_organisation,
                participants=[world.participant_organisation],
            ),
            state,
            coordinator=users["lead_coordinator"],
            reviewer=users["agency_reviewer"],
        )
        for state in (
            RegisterState.DRAFT,
            RegisterState.SUBMITTED,
            RegisterState.APPROVED,
            RegisterState.PUBLISHED,
        )
    }


def record_data(record: RegisterRecord, **changes) -> dict:
    """The edit form as a browser sends it, opened at the record's current version."""
    form = RegisterRecordForm(instance=record)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "category":
            data[name] = list(value or [])
        elif name in ("lawful_basis_grouping", "impacttoetsen_grouping", "source_data_grouping"):
            data[name] = field.prepare_value(value) or ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    data.update(changes)
    return data
