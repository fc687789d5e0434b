"""The public algorithm register: the workflow from draft to published and withdrawn, the
immutability of what was published, the prefill from the project, and the public pages,
which show published snapshots only."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects.models import (
    AIActRiskClass,
    Area,
    DPIAStatus,
    Outcome,
    PublicationCategory,
    RegisterRecord,
    RegisterSnapshot,
    RegisterState,
    RegisterStatus,
    RegisterTheme,
    YesNoUnknown,
)
from projects.selectors.register import REGISTER_FIELDS, public_snapshot, public_snapshots
from projects.services import register as register_services
from tests import factories
from tests.helpers import count_queries
from tests.register_factories import record_data, record_in_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(coordinator, reviewer):
    return {"coordinator": coordinator, "reviewer": reviewer}


def _record(project, state, people, **fields):
    return record_in_state(
        project, state, coordinator=people["coordinator"], reviewer=people["reviewer"], **fields
    )


def _public_page(client, record):
    return client.get(reverse("public_register_detail", args=[record.pk]))


# The workflow.


@pytest.mark.parametrize(
    "state", [RegisterState.DRAFT, RegisterState.SUBMITTED, RegisterState.RETURNED]
)
def test_only_an_approved_record_is_published(project, people, state):
    record = _record(project, state, people)
    with pytest.raises(ValidationError):
        register_services.publish_register_record(record=record, user=people["coordinator"])
    # Not through the ORM either.
    with pytest.raises(ValidationError):
        RegisterSnapshot.objects.create(
            record=record,
            version=1,
            data=record.snapshot_data("Norddjurs Kommune"),
            organisation=project.lead_organisation,
            published_at=timezone.now(),
            published_by=people["coordinator"],
        )
    assert not RegisterSnapshot.objects.exists()
    assert public_snapshot(record.pk) is None


def test_the_workflow_records_who_did_what(project, people, client):
    record = _record(project, RegisterState.APPROVED, people)
    assert record.submitted_by == people["coordinator"]
    assert record.approved_by == people["reviewer"] and record.approved_at
    snapshot = register_services.publish_register_record(record=record, user=people["coordinator"])
    record.refresh_from_db()
    assert record.state == RegisterState.PUBLISHED
    assert record.public_snapshot == snapshot and record.published_by == people["coordinator"]
    assert snapshot.version == 1 and snapshot.published_by == people["coordinator"]
    assert snapshot.data["organization"] == "Norddjurs Kommune"
    assert _public_page(client, record).status_code == 200


def test_a_returned_record_carries_the_note_and_is_submitted_again(project, people, client):
    record = _record(project, RegisterState.RETURNED, people)
    assert record.state == RegisterState.RETURNED
    assert record.return_note == "Beskriv den menneskelige kontrol."
    assert record.returned_by == people["reviewer"]
    client.force_login(people["coordinator"])
    page = client.get(reverse("register_record", args=[project.pk])).content.decode()
    assert "Beskriv den menneskelige kontrol." in page
    # Editing keeps it returned (draft-like) until it is submitted again.
    response = client.post(
        reverse("register_record_edit", args=[project.pk]),
        record_data(record, human_intervention="En sagsbehandler godkender hvert forslag."),
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.state == RegisterState.RETURNED
    register_services.submit_register_record(record=record, user=people["coordinator"])
    record.refresh_from_db()
    assert record.state == RegisterState.SUBMITTED


def test_returning_needs_a_note(project, people):
    record = _record(project, RegisterState.SUBMITTED, people)
    with pytest.raises(ValidationError):
        register_services.return_register_record(record=record, user=people["reviewer"], note=" ")
    record.refresh_from_db()
    assert record.state == RegisterState.SUBMITTED


def test_a_record_under_review_cannot_be_edited(project, people, client):
    record = _record(project, RegisterState.SUBMITTED, people)
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("register_record_edit", args=[project.pk]), record_data(record, name="Ændret")
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.name != "Ændret"


def test_the_return_page_records_the_note(project, people, client):
    record = _record(project, RegisterState.SUBMITTED, people)
    client.force_login(people["reviewer"])
    response = client.post(
        reverse("register_record_return", args=[project.pk]),
        {"return_note": "Tilføj lovgrundlaget.", "version": record.version},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.state, record.return_note) == (RegisterState.RETURNED, "Tilføj lovgrundlaget.")
    assert "Tilføj lovgrundlaget." not in client.get(reverse("public_register")).content.decode()


def test_a_snapshot_is_immutable_through_the_orm(project, people):
    record = _record(project, RegisterState.PUBLISHED, people)
    snapshot = record.public_snapshot
    snapshot.data = {**snapshot.data, "name": "Forfalsket"}
    with pytest.raises(ValidationError):
        snapshot.save()
    snapshot.refresh_from_db()
    snapshot.version = 7
    with pytest.raises(ValidationError):
        snapshot.save()
    with pytest.raises(ValidationError):
        RegisterSnapshot.objects.filter(pk=snapshot.pk).update(name="Forfalsket")
    with pytest.raises(ValidationError):
        snapshot.delete()
    with pytest.raises(ValidationError):
        RegisterSnapshot.objects.filter(pk=snapshot.pk).delete()
    stored = RegisterSnapshot.objects.get(pk=snapshot.pk)
    assert stored.version == 1 and stored.data["name"] != "Forfalsket"
    # A withdrawal is recorded once, and never undone.
    register_services.withdraw_register_record(record=record, user=people["reviewer"])
    stored.refresh_from_db()
    assert stored.withdrawn_at is not None
    stored.withdrawn_at = None
    stored.withdrawn_by = None
    with pytest.raises(ValidationError):
        stored.save()


def test_a_snapshot_goes_with_its_project(project, people):
    record = _record(project, RegisterState.PUBLISHED, people)
    project.delete()
    assert not RegisterRecord.objects.filter(pk=record.pk).exists()
    assert not RegisterSnapshot.objects.exists()


def test_the_database_refuses_a_published_record_without_a_snapshot(project, people):
    record = _record(project, RegisterState.APPROVED, people)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterRecord.objects.filter(pk=record.pk).update(state=RegisterState.PUBLISHED)
    record.state = RegisterState.PUBLISHED
    with pytest.raises(ValidationError):
        record.full_clean()


def test_the_admin_shows_snapshots_read_only_and_refuses_state_changes(project, people, client):
    record = _record(project, RegisterState.PUBLISHED, people)
    snapshot = record.public_snapshot
    client.force_login(
        factories.UserFactory(username="root-admin", is_staff=True, is_superuser=True)
    )
    change = reverse("admin:projects_registersnapshot_change", args=[snapshot.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="data"' not in page.content.decode()
    client.post(change, {"data": "{}", "version": 9})
    assert client.get(reverse("admin:projects_registersnapshot_add")).status_code == 403
    delete = reverse("admin:projects_registersnapshot_delete", args=[snapshot.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.version == 1 and snapshot.data["name"] == record.name
    # The record's state is not a field of its admin form; its edit goes through the service.
    record_change = reverse("admin:projects_registerrecord_change", args=[record.pk])
    assert 'name="state"' not in client.get(record_change).content.decode()


def test_a_re_edit_after_publishing_does_not_change_the_public_page(project, people, client):
    record = _record(project, RegisterState.PUBLISHED, people, name="Første navn")
    coordinator_client = client.__class__()
    coordinator_client.force_login(people["coordinator"])
    response = coordinator_client.post(
        reverse("register_record_edit", args=[project.pk]),
        record_data(record, name="Andet navn", goal="Et nyt formål."),
    )
    assert response.status_code == 302
    record.refresh_from_db()
    # Back to a draft needing a new review; the published version stays public as it was.
    assert record.state == RegisterState.DRAFT and record.approved_at is None
    html = _public_page(client, record).content.decode()
    assert "Første navn" in html and "Andet navn" not in html and "Et nyt formål." not in html
    with pytest.raises(ValidationError):
        register_services.publish_register_record(record=record, user=people["coordinator"])
    register_services.submit_register_record(record=record, user=people["coordinator"])
    register_services.approve_register_record(record=record, user=people["reviewer"])
    snapshot = register_services.publish_register_record(record=record, user=people["coordinator"])
    assert snapshot.version == 2
    html = _public_page(client, record).content.decode()
    assert "Andet navn" in html and "Første navn" not in html
    # The first version is kept as it was.
    assert record.snapshots.get(version=1).data["name"] == "Første navn"


def test_withdrawal_removes_the_record_from_public_view_until_republished(project, people, client):
    record = _record(project, RegisterState.PUBLISHED, people)
    register_services.withdraw_register_record(record=record, user=people["reviewer"])
    record.refresh_from_db()
    assert record.state == RegisterState.WITHDRAWN and record.withdrawn_by == people["reviewer"]
    assert _public_page(client, record).status_code == 404
    assert record.name not in client.get(reverse("public_register")).content.decode()
    assert not public_snapshots().exists()
    # Published again unchanged: a new version.
    snapshot = register_services.publish_register_record(record=record, user=people["coordinator"])
    assert snapshot.version == 2
    assert _public_page(client, record).status_code == 200


def test_concurrent_edits_are_detected(project, people, client):
    record = _record(project, RegisterState.DRAFT, people)
    stale = record_data(record, name="Mit navn")
    client.force_login(people["coordinator"])
    url = reverse("register_record_edit", args=[project.pk])
    assert client.post(url, record_data(record, name="Deres navn")).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Deres navn" in response.content.decode()
    record.refresh_from_db()
    assert record.name == "Deres navn"


# The rules of the record.


def test_the_record_keeps_the_standards_rules(project):
    record = register_services.prefilled_record(project)
    record.contact_email = "ikke en adresse"
    record.category = ["health", "employment", "housing", "law"]
    record.begin_date = "2024-13"
    record.lawful_basis_grouping = [{"title": "Serviceloven", "link": "javascript:alert(1)"}]
    record.developed_in_house = True
    record.provider = "Leverandør A/S"
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert set(error.value.message_dict) >= {
        "contact_email",
        "category",
        "begin_date",
        "lawful_basis_grouping",
        "provider",
    }


def test_the_form_reads_links_one_per_line(project, people, client):
    record = _record(project, RegisterState.DRAFT, people)
    client.force_login(people["coordinator"])
    url = reverse("register_record_edit", args=[project.pk])
    lines = (
        "Serviceloven § 83 | https://www.retsinformation.dk/eli/lta/2024/909\n"
        "Databeskyttelsesforordningen | eur-lex.europa.eu/eli/reg/2016/679"
    )
    assert client.post(url, record_data(record, lawful_basis_grouping=lines)).status_code == 302
    record.refresh_from_db()
    assert record.lawful_basis_grouping == [
        {"title": "Serviceloven § 83", "link": "https://www.retsinformation.dk/eli/lta/2024/909"},
        {
            "title": "Databeskyttelsesforordningen",
            "link": "https://eur-lex.europa.eu/eli/reg/2016/679",
        },
    ]
    response = client.post(url, record_data(record, lawful_basis_grouping="kun en titel"))
    assert response.status_code == 200 and "Line 1" not in response.content.decode()
    assert "Linje 1" in response.content.decode()


# Prefill.


def test_the_record_is_prefilled_from_the_project(norddjurs):
    project = factories.ProjectFactory(
        title="AI Aktindsigt",
        summary="Sprogmodel der finder og overstreger personoplysninger i dokumenter.",
        lead_organisation=norddjurs,
        area=Area.ADMINISTRATION,
        contact_email="aktindsigt@norddjurs.dk",
        project_owner="Kommunaldirektør Jens Jensen",
        legal_basis="Offentlighedsloven § 7.",
        ai_act_risk_class=AIActRiskClass.HIGH,
        personal_data=YesNoUnknown.YES,
        dpia_status=DPIAStatus.COMPLETED,
        dpia_link="https://norddjurs.dk/dpia-aktindsigt",
        outcome=Outcome.IN_OPERATION,
    )
    factories.ProjectSupplierFactory(project=project)
    record = register_services.prefilled_record(project)
    assert record.name == "AI Aktindsigt"
    assert record.description_short.startswith("Sprogmodel der finder")
    assert record.category == [RegisterTheme.ORGANISATION]
    assert record.status == RegisterStatus.IN_USE
    assert record.publication_category == PublicationCategory.HIGH_RISK
    assert record.contact_email == "aktindsigt@norddjurs.dk"
    assert record.senior_responsible_owner == "Kommunaldirektør Jens Jensen"
    assert record.lawful_basis == "Offentlighedsloven § 7."
    assert record.impacttoetsen_grouping == [
        {"title": "Konsekvensanalyse (DPIA)", "link": "https://norddjurs.dk/dpia-aktindsigt"}
    ]
    assert record.provider
    # The snapshot's organisation is the lead's, never typed.
    assert "organization" not in {f.name for f in RegisterRecord._meta.fields}


def test_a_long_summary_is_cut_at_a_word(norddjurs):
    project = factories.ProjectFactory(lead_organisation=norddjurs, summary="ord " * 200)
    record = register_services.prefilled_record(project)
    assert len(record.description_short) <= 350 and record.description_short.endswith("…")


def test_the_edit_page_opens_prefilled(project, people, client):
    client.force_login(people["coordinator"])
    page = client.get(reverse("register_record_edit", args=[project.pk])).content.decode()
    assert 'value="Intelligent journalisering"' in page
    assert not RegisterRecord.objects.exists()


# The public pages.


def test_the_public_pages_need_no_login_and_show_only_the_snapshot(project, people, client):
    factories.BarrierFactory(project=project, title="Hemmelig barriere")
    factories.ReviewNoteFactory(project=project, text="Intern bemærkning")
    record = _record(
        project,
        RegisterState.PUBLISHED,
        people,
        lawful_basis_grouping=[
            {
                "title": "Offentlighedsloven",
                "link": "https://www.retsinformation.dk/eli/lta/2020/145",
            }
        ],
    )
    snapshot = record.public_snapshot
    html = _public_page(client, record).content.decode()
    assert "Hemmelig barriere" not in html and "Intern bemærkning" not in html
    assert str(project.grant_dkk) not in html or project.grant_dkk == 0
    assert reverse("project_detail", args=[project.pk]) not in html
    assert 'href="https://www.retsinformation.dk/eli/lta/2020/145"' in html
    assert "Version 1" in html
    for key, _label in REGISTER_FIELDS:
        value = snapshot.data.get(key)
        if key in {"lang", "standard_version", "source_id", "tags", "name"} or value in (
            "",
            [],
            None,
        ):
            continue
        if isinstance(value, str) and key not in {"status", "publication_category"}:
            assert value.split("\n")[0] in html, key
    # Changing the working copy directly (not publishing) is never shown.
    RegisterRecord.objects.filter(pk=record.pk).update(description_short="Ikke offentlig tekst")
    assert "Ikke offentlig tekst" not in _public_page(client, record).content.decode()


@pytest.mark.parametrize(
    "state", [RegisterState.DRAFT, RegisterState.SUBMITTED, RegisterState.APPROVED]
)
def test_an_unpublished_record_is_not_found(project, people, client, state):
    record = _record(project, state, people)
    assert _public_page(client, record).status_code == 404
    assert _public_page(client, record).status_code == 404
    assert record.name not in client.get(reverse("public_register")).content.decode()


def test_the_public_list_filters(norddjurs, aarhus, people, client):
    first = _record(
        factories.ProjectFactory(title="Flådestyring", lead_organisation=norddjurs),
        RegisterState.PUBLISHED,
        people,
        status=RegisterStatus.IN_USE,
        category=[RegisterTheme.TRAFFIC],
        publication_category=PublicationCategory.OTHER,
        tags="biler, ruter",
    )
    second = _record(
        factories.ProjectFactory(title="Aktindsigt", lead_organisation=aarhus),
        RegisterState.PUBLISHED,
        people,
        status=RegisterStatus.IN_DEVELOPMENT,
        category=[RegisterTheme.ORGANISATION, RegisterTheme.LAW],
        publication_category=PublicationCategory.HIGH_RISK,
    )

    def names(**query):
        html = client.get(reverse("public_register"), query).content.decode()
        return {name for name in ("Flådestyring", "Aktindsigt") if name in html}

    assert names() == {"Flådestyring", "Aktindsigt"}
    assert names(q="flådestyring") == {"Flådestyring"}
    assert names(q="ruter") == {"Flådestyring"}
    assert names(q="aarhus") == {"Aktindsigt"}
    assert names(organisation=norddjurs.pk) == {"Flådestyring"}
    assert names(status=RegisterStatus.IN_DEVELOPMENT) == {"Aktindsigt"}
    assert names(publication_category=PublicationCategory.HIGH_RISK) == {"Aktindsigt"}
    assert names(theme=RegisterTheme.LAW) == {"Aktindsigt"}
    assert names(theme=RegisterTheme.TRAFFIC) == {"Flådestyring"}
    RegisterSnapshot.objects.filter(pk=first.public_snapshot_id)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert names(updated_since=tomorrow) == set()
    assert names(updated_since=date.today().isoformat()) == {"Flådestyring", "Aktindsigt"}
    assert second.public_snapshot_id


def test_the_public_list_runs_a_fixed_number_of_queries(norddjurs, people, client):
    def publish(count):
        for _ in range(count):
            _record(
                factories.ProjectFactory(lead_organisation=norddjurs),
                RegisterState.PUBLISHED,
                people,
            )

    publish(2)
    few = count_queries(client, reverse("public_register"))
    publish(5)
    assert count_queries(client, reverse("public_register")) == few
    assert (
        count_queries(client, reverse("public_register") + "?q=projekt&theme=organisation") == few
    )


def test_the_public_pages_switch_language_signed_out(project, people, client):
    record = _record(project, RegisterState.PUBLISHED, people)
    danish = client.get(reverse("public_register")).content.decode()
    assert "Offentligt algoritmeregister" in danish
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("public_register")}
    )
    assert response.status_code == 302
    english = _public_page(client, record).content.decode()
    assert "Public algorithm register" in english and 'lang="en"' in english
    assert "Purpose and impact" in english


def test_the_menu_links_to_the_register_when_signed_out(client):
    assert f'href="{reverse("public_register")}"' in client.get(reverse("login")).content.decode()


def test_the_review_queue_lists_submitted_records(project, people, client, reviewer):
    _record(project, RegisterState.SUBMITTED, people, name="Til gennemsyn")
    client.force_login(reviewer)
    html = client.get(reverse("register_review")).content.decode()
    assert "Til gennemsyn" in html


def test_the_demo_publishes_real_projects_and_leaves_one_for_review():
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", "--projects", "0", stdout=StringIO())
    published = {snapshot.data["organization"] for snapshot in public_snapshots()}
    assert published == {"Sønderborg Kommune", "Syddjurs Kommune", "Norddjurs Kommune"}
    waiting = RegisterRecord.objects.get(state=RegisterState.SUBMITTED)
    assert waiting.project.title == "PLAI – planlægning i hjemmeplejen"
    call_command("seed_demo", "--projects", "0", stdout=StringIO())
    assert RegisterSnapshot.objects.count() == 3
