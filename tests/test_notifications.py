"""E-mail notifications through a real SMTP server on loopback (tests/mail_server.py): the
events reach the right people once, in their language, preferences hold, digests tell what
needs attention, failed deliveries are retried, and nothing reaches anyone who may not read it."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from projects import services
from projects.models import (
    GateDecision,
    LanguagePreference,
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationState,
    PhaseKind,
    ReviewNote,
    Role,
)
from projects.services.mailing import send_notifications
from projects.services.notifications import notify_follow_up
from tests import factories, payloads

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
# A Monday morning after the digest hour: daily and weekly digests are due.
MONDAY_MORNING = datetime(2026, 11, 30, 8, 0, tzinfo=CPH)


@pytest.fixture(autouse=True)
def before_the_digests():
    """Monday at five: no digest is due yet, so each test sees only what it sends."""
    with time_machine.travel(MONDAY_MORNING - timedelta(hours=3)):
        yield


@pytest.fixture
def people(coordinator, viewer, participant, outsider, reviewer, administrator):
    """The personas with e-mail addresses."""
    named = {
        "coordinator": coordinator,
        "viewer": viewer,
        "participant": participant,
        "outsider": outsider,
        "reviewer": reviewer,
        "administrator": administrator,
    }
    for name, user in named.items():
        user.email = f"{name}@example.dk"
        user.save(update_fields=["email"])
    return named


@pytest.fixture
def world(project, people):
    factories.PhaseFactory(project=project, kind=PhaseKind.CLARIFICATION)
    return project


def run(capsys=None) -> str:
    call_command("send_notifications")
    return capsys.readouterr().out if capsys else ""


def follow_up(client, reviewer, project, text="Send os den opdaterede DPIA."):
    client.force_login(reviewer)
    response = client.post(
        reverse("review_note_create", args=[project.pk]), payloads.review_note(text=text)
    )
    assert response.status_code == 302
    client.logout()
    return ReviewNote.objects.get(project=project, text=text)


def test_a_follow_up_request_reaches_the_coordinator_once(
    client, world, people, mail_server, capsys
):
    note = follow_up(client, people["reviewer"], world)
    # The request only wrote the e-mail.
    assert mail_server.mailbox.messages == []
    assert "1 e-mails sent" in run(capsys)
    [message] = mail_server.mailbox.messages
    assert message.envelope_to == ["coordinator@example.dk"]
    assert mail_server.mailbox.subject(message) == f"Styrelsen beder om opfølgning på {world.title}"
    text = mail_server.mailbox.text(message)
    assert "Send os den opdaterede DPIA." in text
    assert f"https://sigprojects.test/projects/{world.pk}/reviews/{note.pk}/answer/" in text
    assert "https://sigprojects.test/account/notifications/" in text
    # The lead's viewer, the participating organisation and outsiders are not asked.
    for name in ("viewer", "participant", "outsider", "reviewer", "administrator"):
        assert mail_server.mailbox.to(f"{name}@example.dk") == []
    assert "0 e-mails sent" in run(capsys)
    assert len(mail_server.mailbox.messages) == 1
    row = Notification.objects.get(kind=NotificationKind.FOLLOW_UP)
    assert (row.state, row.attempts, row.sent_at is not None) == (NotificationState.SENT, 1, True)


def test_recording_the_same_event_twice_writes_one_email(world, people):
    note = services.write_review_note(
        project=world, kind="follow_up", text="Status?", author=people["reviewer"]
    )
    with transaction.atomic():
        notify_follow_up(note)
    assert Notification.objects.filter(kind=NotificationKind.FOLLOW_UP).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=people["coordinator"],
            kind=NotificationKind.FOLLOW_UP,
            key=f"followup:{note.pk}:{people['coordinator'].pk}",
            subject="x",
            body="x",
            language="da",
            next_attempt_at=note.created_at,
        )


def test_the_answer_reaches_the_reviewer(client, world, people, mail_server):
    note = follow_up(client, people["reviewer"], world)
    run()
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("review_note_answer", args=[world.pk, note.pk]),
        payloads.answer(note, answer="DPIA'en blev godkendt i går."),
    )
    assert response.status_code == 302
    run()
    [message] = mail_server.mailbox.to("reviewer@example.dk")
    assert (
        mail_server.mailbox.subject(message)
        == f"{world.title} har svaret på din opfølgningsanmodning"
    )
    text = mail_server.mailbox.text(message)
    assert "DPIA'en blev godkendt i går." in text and "Send os den opdaterede DPIA." in text


def test_an_escalated_barrier_reaches_the_agency(client, world, people, mail_server):
    barrier = factories.BarrierFactory(project=world, title="Hjemmel til drift")
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("barrier_escalate", args=[world.pk, barrier.pk]), payloads.escalation()
    )
    assert response.status_code == 302
    run()
    recipients = sorted(m.envelope_to[0] for m in mail_server.mailbox.messages)
    assert recipients == ["administrator@example.dk", "reviewer@example.dk"]
    text = mail_server.mailbox.text(mail_server.mailbox.messages[0])
    assert "Hjemmel til drift" in text and "servicelovens § 12" in text


def test_a_gate_decision_reaches_the_agency_in_the_daily_digest_or_at_once(
    client, world, people, mail_server
):
    NotificationPreference.objects.create(
        user=people["administrator"], kind=NotificationKind.GATE_DECISION, frequency="immediately"
    )
    with time_machine.travel(MONDAY_MORNING - timedelta(hours=2), tick=False):
        client.force_login(people["coordinator"])
        response = client.post(
            reverse("phase_advance", args=[world.pk]),
            payloads.gate_decision(GateDecision.GO, project=world),
        )
        assert response.status_code == 302
        run()
    # The administrator wanted it at once; the reviewer has the default, the daily digest.
    [message] = mail_server.mailbox.messages
    assert message.envelope_to == ["administrator@example.dk"]
    assert mail_server.mailbox.subject(message) == f"Porteføljebeslutning om {world.title}: Videre"
    assert mail_server.mailbox.to("reviewer@example.dk") == []
    with time_machine.travel(MONDAY_MORNING, tick=False):
        run()
        run()
    # Beside the weekly digest, which the project without status updates is in.
    [digest] = [
        message
        for message in mail_server.mailbox.to("reviewer@example.dk")
        if mail_server.mailbox.subject(message) == "Dit daglige overblik fra Signaturprojekter"
    ]
    assert f"Porteføljebeslutning om {world.title}: Videre" in mail_server.mailbox.text(digest)
    event = Notification.objects.get(
        recipient=people["reviewer"], kind=NotificationKind.GATE_DECISION
    )
    assert event.state == NotificationState.IN_DIGEST and event.digest.state == "sent"


def test_a_kind_turned_off_on_the_settings_page_sends_nothing(client, world, people, mail_server):
    client.force_login(people["coordinator"])
    page = client.get(reverse("notification_preferences"))
    assert page.status_code == 200
    assert "Opfølgningsanmodning fra styrelsen" in page.content.decode()
    data = {kind: NotificationKind(kind).default_frequency for kind in NotificationKind.values}
    response = client.post(
        reverse("notification_preferences"), {**data, "follow_up": "off", "language": "da"}
    )
    assert response.status_code == 302
    follow_up(client, people["reviewer"], world)
    run()
    assert mail_server.mailbox.messages == []
    assert not Notification.objects.filter(kind=NotificationKind.FOLLOW_UP).exists()


def test_turning_a_kind_off_after_the_event_skips_the_written_email(
    client, world, people, mail_server
):
    follow_up(client, people["reviewer"], world)
    NotificationPreference.objects.create(
        user=people["coordinator"], kind=NotificationKind.FOLLOW_UP, frequency="off"
    )
    run()
    assert mail_server.mailbox.messages == []
    row = Notification.objects.get(kind=NotificationKind.FOLLOW_UP)
    assert row.state == NotificationState.SKIPPED and "turned" in row.last_error


def test_the_digest_cannot_be_immediate(client, people):
    client.force_login(people["coordinator"])
    data = dict.fromkeys(NotificationKind.values, "immediately")
    response = client.post(reverse("notification_preferences"), {**data, "language": "da"})
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()
    preference = NotificationPreference(
        user=people["coordinator"], kind=NotificationKind.DIGEST, frequency="immediately"
    )
    with pytest.raises(ValidationError):
        preference.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        preference.save()


def test_emails_are_written_in_the_recipients_language(client, world, people, mail_server):
    LanguagePreference.objects.create(user=people["coordinator"], language="en")
    follow_up(client, people["reviewer"], world)
    run()
    [message] = mail_server.mailbox.messages
    assert (
        mail_server.mailbox.subject(message) == f"The agency asks for a follow-up on {world.title}"
    )
    assert message["Content-Language"] == "en"
    assert "Answer the request on the project's page." in mail_server.mailbox.text(message)


def test_the_language_is_chosen_on_the_settings_page(client, people):
    client.force_login(people["reviewer"])
    data = {kind: NotificationKind(kind).default_frequency for kind in NotificationKind.values}
    client.post(reverse("notification_preferences"), {**data, "language": "en"})
    assert LanguagePreference.of(people["reviewer"]) == "en"
    assert LanguagePreference.of(people["coordinator"]) == "da"


def test_a_failed_delivery_is_retried_and_the_request_never_touched_smtp(
    client, world, people, mail_server
):
    mail_server.stop()
    with mock.patch(
        "smtplib.SMTP.connect", side_effect=AssertionError("SMTP in a request")
    ) as smtp:
        follow_up(client, people["reviewer"], world)
    smtp.assert_not_called()
    with time_machine.travel(MONDAY_MORNING - timedelta(hours=2), tick=False):
        run()
        row = Notification.objects.get(kind=NotificationKind.FOLLOW_UP)
        assert (row.state, row.attempts) == (NotificationState.PENDING, 1)
        assert row.last_error and row.sent_at is None
        # Still refused by a server that answers with a temporary failure.
        mail_server.mailbox.refuse = True
        mail_server.start()
    with time_machine.travel(MONDAY_MORNING - timedelta(minutes=119), tick=False):
        run()  # too early for the next attempt
    row.refresh_from_db()
    assert row.attempts == 1
    with time_machine.travel(MONDAY_MORNING - timedelta(minutes=110), tick=False):
        run()
    row.refresh_from_db()
    assert (row.attempts, row.state) == (2, NotificationState.PENDING)
    assert "451" in row.last_error
    mail_server.mailbox.refuse = False
    with time_machine.travel(MONDAY_MORNING - timedelta(minutes=90), tick=False):
        run()
        run()
    assert [m.envelope_to for m in mail_server.mailbox.messages] == [["coordinator@example.dk"]]
    row.refresh_from_db()
    assert (row.attempts, row.state) == (3, NotificationState.SENT)


def test_delivery_gives_up_after_the_last_attempt(client, world, people, mail_server, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    follow_up(client, people["reviewer"], world)
    mail_server.mailbox.refuse = True
    with time_machine.travel(MONDAY_MORNING - timedelta(hours=3), tick=False):
        run()
    with time_machine.travel(MONDAY_MORNING - timedelta(hours=2), tick=False):
        run()
    with time_machine.travel(MONDAY_MORNING - timedelta(hours=1), tick=False):
        run()
    row = Notification.objects.get(kind=NotificationKind.FOLLOW_UP)
    assert (row.state, row.attempts) == (NotificationState.FAILED, 2)


def test_no_email_about_a_note_the_recipient_may_no_longer_read(client, world, people, mail_server):
    """The coordinator moved to another organisation before the e-mail went: it is not sent;
    nor is the answer to a reviewer who left the agency."""
    note = follow_up(client, people["reviewer"], world)
    coordinator = people["coordinator"]
    Membership.objects.filter(user=coordinator).delete()
    factories.MembershipFactory(
        user=coordinator, organisation=people["outsider"].memberships.get().organisation
    )
    services.answer_review_note(
        note=note, answer="Svar.", user=people["administrator"], expected_version=note.version
    )
    Membership.objects.filter(user=people["reviewer"]).delete()
    run()
    assert mail_server.mailbox.messages == []
    assert set(Notification.objects.values_list("state", flat=True)) == {"skipped"}


def test_a_participant_reads_the_project_but_never_gets_its_review_notes(
    client, world, people, mail_server
):
    """A participating organisation's coordinator made a lead coordinator's e-mail recipient
    by hand still gets nothing: review notes are between the agency and the lead."""
    note = follow_up(client, people["reviewer"], world)
    Notification.objects.create(
        recipient=people["participant"],
        kind=NotificationKind.FOLLOW_UP,
        key=f"followup:{note.pk}:{people['participant'].pk}",
        project=world,
        subject="Opfølgning",
        body=note.text,
        language="da",
        next_attempt_at=note.created_at,
    )
    run()
    assert mail_server.mailbox.to("participant@example.dk") == []
    assert len(mail_server.mailbox.to("coordinator@example.dk")) == 1


def test_deactivated_users_and_users_without_an_address_get_nothing(
    client, world, people, mail_server
):
    second = factories.MembershipFactory(
        organisation=world.lead_organisation, role=Role.COORDINATOR
    ).user  # no e-mail address
    follow_up(client, people["reviewer"], world)
    people["coordinator"].is_active = False
    people["coordinator"].save(update_fields=["is_active"])
    with time_machine.travel(MONDAY_MORNING, tick=False):
        run()
    assert mail_server.mailbox.to("coordinator@example.dk") == []
    assert not Notification.objects.filter(recipient=second).exists()


@pytest.fixture
def digest_world(world, people, aarhus):
    """On the Monday: the project's last status update is old, a follow-up request waits
    since two weeks, an AI Act obligation and a benefit measurement are due; Aarhus has its
    own project with an escalated barrier."""
    with time_machine.travel(MONDAY_MORNING - timedelta(days=200), tick=False):
        factories.StatusUpdateFactory(project=world, reported_on=date(2026, 5, 1))
        factories.BenefitIndicatorFactory(
            project=world, title="Timer på journalisering", baseline_on=date(2026, 5, 1)
        )
    with time_machine.travel(MONDAY_MORNING - timedelta(days=14), tick=False):
        services.write_review_note(
            project=world, kind="follow_up", text="Hvor er DPIA'en?", author=people["reviewer"]
        )
    other = factories.ProjectFactory(title="Aarhus-projektet", lead_organisation=aarhus)
    factories.StatusUpdateFactory(project=other, reported_on=date(2026, 11, 20))
    factories.BarrierFactory(project=other, title="Mangler data", escalated=True)
    # Only the digest is under test here.
    Notification.objects.all().delete()
    return world


def test_the_weekly_digest_tells_what_needs_attention(digest_world, people, mail_server):
    project = digest_world
    with time_machine.travel(MONDAY_MORNING, tick=False):
        run()
        run()
    [digest] = mail_server.mailbox.to("coordinator@example.dk")
    assert mail_server.mailbox.subject(digest) == "Dit ugentlige overblik fra Signaturprojekter"
    text = mail_server.mailbox.text(digest)
    assert "Projekter uden statusopdatering i mere end 90 dage" in text
    assert f"{project.title} (seneste statusopdatering: 01.05.2026)" in text
    assert "Hvor er DPIA'en?" in text
    assert "AI Act-forpligtelser" in text
    assert "Timer på journalisering" in text  # measured half-yearly since 1 May: due 1 Nov
    assert "Aarhus-projektet" not in text and "Mangler data" not in text
    # The agency reads of the escalated barriers and of the portfolio's stale projects.
    [agency_digest] = mail_server.mailbox.to("reviewer@example.dk")
    agency_text = mail_server.mailbox.text(agency_digest)
    assert "Mangler data" in agency_text and "Aarhus-projektet" in agency_text
    assert "Hvor er DPIA'en?" in agency_text  # the reviewer's own request, waiting
    assert "https://sigprojects.test/projects/?stale_days=90" in agency_text
    # The lead's viewer reads the project: stale and review notes, no obligations to act on.
    viewer_text = mail_server.mailbox.text(mail_server.mailbox.to("viewer@example.dk")[0])
    assert project.title in viewer_text and "Aarhus-projektet" not in viewer_text
    # Aarhus' coordinator is told of nothing of Norddjurs' project.
    for message in mail_server.mailbox.to("outsider@example.dk"):
        assert project.title not in mail_server.mailbox.text(message)
        assert "Hvor er DPIA'en?" not in mail_server.mailbox.text(message)
    # The participating organisation does not read the project's review notes.
    for message in mail_server.mailbox.to("participant@example.dk"):
        assert "Hvor er DPIA'en?" not in mail_server.mailbox.text(message)


def test_nothing_to_say_no_digest(world, people, mail_server):
    factories.StatusUpdateFactory(project=world, reported_on=date(2026, 11, 25))
    with time_machine.travel(MONDAY_MORNING, tick=False):
        Membership.objects.exclude(user=people["participant"]).delete()
        summary = send_notifications()
    assert summary.digests == 0
    assert mail_server.mailbox.messages == []


def test_a_daily_digest_for_those_who_chose_it(digest_world, people, mail_server):
    NotificationPreference.objects.create(
        user=people["coordinator"], kind=NotificationKind.DIGEST, frequency="daily"
    )
    NotificationPreference.objects.create(
        user=people["viewer"], kind=NotificationKind.DIGEST, frequency="off"
    )
    with time_machine.travel(MONDAY_MORNING, tick=False):
        run()
    with time_machine.travel(MONDAY_MORNING + timedelta(days=1), tick=False):
        run()
    subjects = [
        mail_server.mailbox.subject(m) for m in mail_server.mailbox.to("coordinator@example.dk")
    ]
    assert subjects == ["Dit daglige overblik fra Signaturprojekter"] * 2
    assert mail_server.mailbox.to("viewer@example.dk") == []
