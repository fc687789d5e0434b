"""Sending the outbox: writing the digests that are due, then sending every pending e-mail
once. Run by `manage.py send_notifications`, never by a web request.

Each e-mail is sent while its row is locked (`select_for_update(skip_locked=True)`), so two
runs at once never send the same one; its unique key means it was written once only. A
failed delivery is tried again by a later run, after a growing pause, a limited number of
times. Just before sending, the recipient is checked again: still active, still with an
address, still wanting it, and still allowed to read what it tells (projects.access)."""

import contextlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.access import project_access, projects_visible_to, roles_of
from projects.models import (
    Notification,
    NotificationFrequency,
    NotificationKind,
    NotificationPreference,
    NotificationState,
)
from projects.selectors.digest import DigestContent, digest_for
from projects.services.notifications import absolute_url, signature

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=5)
# Refusals of one message; anything else (no connection, the server gone) stops the run.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass
class RunSummary:
    digests: int = 0
    sent: int = 0
    skipped: int = 0
    retry: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.digests} digests written, {self.sent} e-mails sent, {self.skipped} not sent "
            f"(no longer wanted or allowed), {self.retry} to try again, {self.failed} given up"
        )


def send_notifications(*, now: datetime | None = None) -> RunSummary:
    """Write the digests due at `now`, then send what is pending."""
    now = now or timezone.now()
    summary = RunSummary()
    write_due_digests(now, summary)
    deliver_pending(now, summary)
    return summary


# Writing digests


def digest_keys(user, now: datetime) -> dict[str, str]:
    """The key of each digest due for the user at `now`: daily from the digest hour, weekly
    from Monday's digest hour (the first run of the ISO week after it)."""
    local = timezone.localtime(now)
    hour = settings.NOTIFICATION_DIGEST_HOUR
    keys = {}
    if local.hour >= hour:
        keys[NotificationFrequency.DAILY] = f"digest:daily:{user.pk}:{local.date().isoformat()}"
    if local.isoweekday() > 1 or local.hour >= hour:
        year, week, _weekday = local.isocalendar()
        keys[NotificationFrequency.WEEKLY] = f"digest:weekly:{user.pk}:{year}-W{week:02d}"
    return keys


def write_due_digests(now: datetime, summary: RunSummary) -> None:
    users = (
        get_user_model()
        .objects.filter(is_active=True, memberships__organisation__active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    for user in users.iterator():
        keys = digest_keys(user, now)
        written = set(
            Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True)
        )
        for frequency, key in keys.items():
            if key not in written and write_digest(user, frequency, key, now):
                summary.digests += 1


def write_digest(user, frequency: str, key: str, now: datetime) -> Notification | None:
    """The user's `frequency` digest under `key`: the events they wanted bundled and, if they
    chose this digest, what needs their attention. Nothing to say, no digest."""
    frequencies = NotificationPreference.frequencies_of(user)
    language = _language_of(user)
    with transaction.atomic():
        events = [
            event
            for event in Notification.objects.waiting_for(user, frequency)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("project")
            .order_by("created_at", "pk")
            if _may_receive(user, event)
        ]
        content = None
        if frequencies[NotificationKind.DIGEST] == frequency:
            content = digest_for(user, timezone.localdate(now))
        if not events and (content is None or content.is_empty):
            return None
        url = absolute_url(reverse("home"))
        with translation.override(language):
            subject, body = _compose_digest(user, frequency, events, content, url)
        try:
            with transaction.atomic():
                digest = Notification.objects.create(
                    recipient=user,
                    kind=NotificationKind.DIGEST,
                    key=key,
                    subject=subject[:250],
                    body=body,
                    url=url,
                    language=language,
                    next_attempt_at=now,
                )
        except IntegrityError:  # another run wrote it meanwhile
            return None
        Notification.objects.filter(pk__in=[event.pk for event in events]).update(
            state=NotificationState.IN_DIGEST, digest=digest, updated_at=now
        )
    return digest


def _language_of(user) -> str:
    from projects.models import LanguagePreference

    return LanguagePreference.of(user)


def _compose_digest(user, frequency, events, content: DigestContent | None, url) -> tuple:
    if frequency == NotificationFrequency.DAILY:
        subject = _("Your daily digest from Signature projects")
    else:
        subject = _("Your weekly digest from Signature projects")
    lines = [_("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()}, ""]
    if content is not None:
        lines += _status_lines(content)
    if events:
        lines += [_("Since the last digest"), "=" * len(_("Since the last digest"))]
        for event in events:
            lines += ["", f"* {event.subject}", *_indented(_event_text(event.body)), ""]
    return subject, "\n".join([*lines, *signature(url)]) + "\n"


def _event_text(body: str) -> list[str]:
    """An event's own text, without its closing lines (the digest has its own)."""
    return body.split("\n-- \n", 1)[0].rstrip().split("\n")


def _indented(lines: list[str]) -> list[str]:
    return [f"  {line}" if line else "" for line in lines]


def _heading(text: str) -> list[str]:
    return [text, "=" * len(text)]


def _more(section) -> list[str]:
    if section.total > len(section.rows):
        return [_("… and %(count)s more.") % {"count": section.total - len(section.rows)}]
    return []


def _project_link(project) -> str:
    return absolute_url(reverse("project_detail", args=[project.pk]))


def _status_lines(content: DigestContent) -> list[str]:
    lines = []
    days = content.stale_after_days
    stale_heading = _("Projects without a status update for more than %(days)s days") % {
        "days": days
    }
    if content.stale and content.stale.total:
        lines += _heading(stale_heading)
        for project in content.stale.rows:
            last = (
                date_format(project.last_status_on, "SHORT_DATE_FORMAT")
                if project.last_status_on
                else _("never")
            )
            lines.append(
                f"* {project.title} ({_('last status update: %(date)s') % {'date': last}}) "
                f"{_project_link(project)}"
            )
        lines += [*_more(content.stale), ""]
    if content.stale_count:
        lines += _heading(stale_heading)
        lines.append(
            _("In the portfolio: %(count)s projects, %(url)s")
            % {
                "count": content.stale_count,
                "url": absolute_url(f"{reverse('project_list')}?stale_days={days}"),
            }
        )
        lines.append("")
    if content.follow_ups and content.follow_ups.total:
        lines += _heading(_("Follow-up requests open for more than a week"))
        for note in content.follow_ups.rows:
            lines.append(
                f"* {note.project.title}, "
                f"{date_format(timezone.localtime(note.created_at), 'SHORT_DATE_FORMAT')}: "
                f"{_first_line(note.text)} {_project_link(note.project)}"
            )
        lines += [*_more(content.follow_ups), ""]
    if content.obligations and content.obligations.total:
        lines += _heading(_("AI Act obligations due within 30 days or overdue"))
        for held in content.obligations.rows:
            lines.append(
                f"* {held.project.title}: {held.obligation} – "
                f"{_('due %(date)s') % {'date': date_format(held.due_on, 'SHORT_DATE_FORMAT')}} "
                f"{_project_link(held.project)}"
            )
        lines += [*_more(content.obligations), ""]
    if content.measurements and content.measurements.total:
        lines += _heading(_("Benefit measurements due"))
        for indicator in content.measurements.rows:
            due = date_format(indicator.due_on, "SHORT_DATE_FORMAT")
            lines.append(
                f"* {indicator.project.title}: {indicator.title} – "
                f"{_('due %(date)s') % {'date': due}} {_project_link(indicator.project)}"
            )
        lines += [*_more(content.measurements), ""]
    if content.escalated and content.escalated.total:
        lines += _heading(_("Barriers escalated to the agency"))
        for barrier in content.escalated.rows:
            escalated_on = (
                date_format(barrier.escalated_on, "SHORT_DATE_FORMAT")
                if barrier.escalated_on
                else "–"
            )
            lines.append(
                f"* {barrier.project.title}: {barrier.title} "
                f"({_('escalated %(date)s') % {'date': escalated_on}}) "
                f"{_project_link(barrier.project)}"
            )
        lines += [*_more(content.escalated), ""]
    return lines


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= limit else f"{line[: limit - 1]}…"


# Sending


def _may_receive(user, notification: Notification) -> bool:
    """Whether the user may still read what the e-mail tells: the project it is about, and
    for a review note, the project's review notes."""
    if not user.is_active or not user.email:
        return False
    if hasattr(user, "_sigprojects_roles"):
        del user._sigprojects_roles  # memberships may have changed since the last e-mail
    if (
        notification.organisation_id is not None
        and notification.organisation_id not in roles_of(user).partner_roles
    ):
        return False
    if notification.project_id is None:
        return True
    project = (
        projects_visible_to(user)
        .prefetch_related("participants")
        .filter(pk=notification.project_id)
        .first()
    )
    if project is None:
        return False
    if NotificationKind(notification.kind).review_note:
        return project_access(user, project).can_read_reviews
    return True


def _why_not(user, notification: Notification) -> str:
    if not user.is_active:
        return "recipient deactivated"
    if not user.email:
        return "recipient has no e-mail address"
    if notification.kind != NotificationKind.DIGEST:
        frequency = NotificationPreference.frequencies_of(user)[notification.kind]
        if frequency == NotificationFrequency.OFF:
            return "recipient turned this kind off"
    if not _may_receive(user, notification):
        return "recipient may no longer read what it tells"
    return ""


def deliver_pending(now: datetime, summary: RunSummary) -> None:
    connection = mail.get_connection()
    try:
        while True:
            with transaction.atomic():
                notification = (
                    Notification.objects.to_send_now(now)
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .order_by("next_attempt_at", "pk")
                    .first()
                )
                if notification is None:
                    return
                if not _deliver(notification, connection, now, summary):
                    return
    finally:
        with contextlib.suppress(Exception):  # a broken connection is closed anyway
            connection.close()


def _deliver(notification: Notification, connection, now: datetime, summary) -> bool:
    """Send one locked e-mail and record what happened; False when the mail server cannot be
    reached, so that the run stops and the rest waits for the next one."""
    user = notification.recipient
    reason = _why_not(user, notification)
    if reason:
        notification.state = NotificationState.SKIPPED
        notification.last_error = reason
        notification.save(update_fields=["state", "last_error", "updated_at"])
        summary.skipped += 1
        return True
    message = mail.EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
        headers={
            "Auto-Submitted": "auto-generated",
            "Content-Language": notification.language,
            "X-Sigprojects-Key": notification.key,
        },
    )
    notification.attempts += 1
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            notification.state = NotificationState.FAILED
            summary.failed += 1
        else:
            pause = FIRST_RETRY * 2 ** (notification.attempts - 1)
            notification.next_attempt_at = now + pause
            summary.retry += 1
        notification.save(
            update_fields=["state", "attempts", "last_error", "next_attempt_at", "updated_at"]
        )
        logger.warning("Sending notification %s failed: %s", notification.key, error)
        if isinstance(error, MESSAGE_ERRORS):
            return True
        with contextlib.suppress(Exception):
            connection.close()
        return False
    notification.state = NotificationState.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["state", "attempts", "sent_at", "last_error", "updated_at"])
    summary.sent += 1
    return True
