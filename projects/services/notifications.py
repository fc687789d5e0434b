"""Recording e-mail notifications: each event writes one outbox row per recipient, in the
transaction of the write it tells about and in the recipient's language. Nothing here talks
to the mail server; `projects.services.mailing` sends the rows."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.models import (
    Barrier,
    Decision,
    GateDecision,
    LanguagePreference,
    Notification,
    NotificationFrequency,
    NotificationKind,
    NotificationPreference,
    OrganisationKind,
    Phase,
    PhaseKind,
    Project,
    ReviewNote,
    ReviewNoteKind,
    Role,
)


def absolute_url(path: str) -> str:
    """A link to a page of the application, for an e-mail."""
    return f"{settings.SITE_URL}{path}"


def person(user) -> str:
    if user is None:
        return "–"
    return user.get_full_name() or user.get_username()


def mail_recipients(users, kind: str, *, actor=None) -> list:
    """Of `users`, those who are told of `kind` at all: active, with an e-mail address, not the
    one who caused the event, and not having turned the kind off."""
    users = users.filter(is_active=True).exclude(email="")
    if actor is not None and actor.pk is not None:
        users = users.exclude(pk=actor.pk)
    turned_off = NotificationPreference.objects.filter(
        kind=kind, frequency=NotificationFrequency.OFF
    ).values("user_id")
    return list(users.exclude(pk__in=turned_off).distinct().order_by("pk"))


def agency_members():
    return get_user_model().objects.filter(
        memberships__organisation__kind=OrganisationKind.AGENCY,
        memberships__organisation__active=True,
    )


def coordinators_of(organisation_id: int):
    return get_user_model().objects.filter(
        memberships__organisation_id=organisation_id,
        memberships__organisation__active=True,
        memberships__role=Role.COORDINATOR,
    )


def signature(url: str) -> list[str]:
    return [
        "",
        _("Open it here: %(url)s") % {"url": url},
        "",
        "-- ",
        _("Signature projects. You receive this e-mail because of your notification settings:"),
        absolute_url(reverse("notification_preferences")),
    ]


def record_notifications(
    *,
    kind: str,
    recipients: list,
    key: str,
    project: Project | None,
    url: str,
    compose: Callable[[], tuple[str, list[str]]],
    organisation=None,
) -> list[Notification]:
    """Write the e-mail for each recipient (`key` is completed with the user's id) in their
    language: `compose()` gives the subject and the lines of the text in the active language.
    An e-mail written before under the same key is not written again."""
    if not recipients:
        return []
    languages = dict(
        LanguagePreference.objects.filter(user__in=recipients).values_list("user_id", "language")
    )
    now = timezone.now()
    rows = []
    for user in recipients:
        language = languages.get(user.pk, settings.LANGUAGE_CODE)
        with translation.override(language):
            subject, lines = compose()
            body = "\n".join([*lines, *signature(url)]) + "\n"
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                key=f"{key}:{user.pk}",
                project=project,
                organisation=organisation,
                subject=subject[:250],
                body=body,
                url=url,
                language=language,
                next_attempt_at=now,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def notify_follow_up(note: ReviewNote) -> list[Notification]:
    """A follow-up request from the agency: to the lead organisation's coordinators."""
    if note.kind != ReviewNoteKind.FOLLOW_UP:
        return []
    project = note.project

    def compose():
        return (
            _("The agency asks for a follow-up on %(project)s") % {"project": project.title},
            [
                _("%(reviewer)s from the agency asks the project %(project)s for a follow-up:")
                % {"reviewer": person(note.author), "project": project.title},
                "",
                note.text,
                "",
                _("Answer the request on the project's page."),
            ],
        )

    return record_notifications(
        kind=NotificationKind.FOLLOW_UP,
        recipients=mail_recipients(
            coordinators_of(project.lead_organisation_id),
            NotificationKind.FOLLOW_UP,
            actor=note.author,
        ),
        key=f"followup:{note.pk}",
        project=project,
        url=absolute_url(reverse("review_note_answer", args=[project.pk, note.pk])),
        compose=compose,
    )


def notify_answer(note: ReviewNote) -> list[Notification]:
    """The project's answer to a review note: to the reviewer who wrote it."""
    if note.author_id is None:
        return []
    project = note.project

    def compose():
        return (
            _("%(project)s answered your follow-up request") % {"project": project.title},
            [
                _("%(person)s answered for the project %(project)s.")
                % {"person": person(note.answered_by), "project": project.title},
                "",
                _("Your request:"),
                note.text,
                "",
                _("The answer:"),
                note.answer,
            ],
        )

    return record_notifications(
        kind=NotificationKind.ANSWER,
        recipients=mail_recipients(
            get_user_model().objects.filter(pk=note.author_id),
            NotificationKind.ANSWER,
            actor=note.answered_by,
        ),
        # Each answer is told once; a changed answer is a new one.
        key=f"answer:{note.pk}:{note.version}",
        project=project,
        url=absolute_url(reverse("project_detail", args=[project.pk])),
        compose=compose,
    )


def notify_escalation(barrier: Barrier, *, actor) -> list[Notification]:
    """A barrier escalated to the agency: to the agency's members."""
    project = barrier.project
    escalated_on = barrier.escalated_on or timezone.localdate()

    def compose():
        return (
            _("Barrier escalated to the agency: %(project)s") % {"project": project.title},
            [
                _("%(person)s escalated a barrier of the project %(project)s to the agency.")
                % {"person": person(actor), "project": project.title},
                "",
                _("Barrier: %(title)s (%(category)s, severity %(severity)s)")
                % {
                    "title": barrier.title,
                    "category": barrier.get_category_display(),
                    "severity": barrier.get_severity_display(),
                },
                _("What the agency is asked to do:"),
                barrier.escalation_request or "–",
            ],
        )

    return record_notifications(
        kind=NotificationKind.ESCALATION,
        recipients=mail_recipients(agency_members(), NotificationKind.ESCALATION, actor=actor),
        # A barrier escalated again after it was taken back is told again.
        key=f"escalation:{barrier.pk}:{escalated_on.isoformat()}",
        project=project,
        url=absolute_url(reverse("project_detail", args=[project.pk])),
        compose=compose,
    )


def notify_gate_decision(phase: Phase, decision: Decision, *, actor) -> list[Notification]:
    """A gate decision on a project: to the agency's members."""
    project = phase.project

    def compose():
        return (
            _("Gate decision on %(project)s: %(decision)s")
            % {
                "project": project.title,
                "decision": GateDecision(phase.gate_decision).label,
            },
            [
                _("The project %(project)s decided %(decision)s at the end of the phase %(phase)s.")
                % {
                    "project": project.title,
                    "decision": GateDecision(phase.gate_decision).label,
                    "phase": PhaseKind(phase.kind).label,
                },
                _("Decided on %(date)s by %(who)s.")
                % {
                    "date": date_format(phase.decided_on, "SHORT_DATE_FORMAT"),
                    "who": phase.decided_by or person(actor),
                },
                "",
                _("Rationale:"),
                phase.rationale or "–",
                *([_("Conditions:"), phase.conditions] if phase.conditions else []),
            ],
        )

    return record_notifications(
        kind=NotificationKind.GATE_DECISION,
        recipients=mail_recipients(agency_members(), NotificationKind.GATE_DECISION, actor=actor),
        key=f"gate:{decision.pk}",
        project=project,
        url=absolute_url(reverse("project_detail", args=[project.pk])),
        compose=compose,
    )


def notify_adoption_interest(adoption) -> list[Notification]:
    """Another organisation takes up a solution: to the owner organisation's coordinators."""
    solution = adoption.solution
    try:
        path = reverse("solution_detail", args=[solution.pk])
    except NoReverseMatch:
        path = reverse("home")

    def compose():
        return (
            _("%(organisation)s is interested in your solution %(solution)s")
            % {"organisation": adoption.organisation.name, "solution": solution.title},
            [
                _("%(organisation)s takes up the solution %(solution)s (%(stage)s).")
                % {
                    "organisation": adoption.organisation.name,
                    "solution": solution.title,
                    "stage": adoption.get_stage_display(),
                },
                _("Contact: %(name)s %(email)s")
                % {"name": adoption.contact_name, "email": adoption.contact_email},
                *([adoption.note] if adoption.note else []),
            ],
        )

    return record_notifications(
        kind=NotificationKind.ADOPTION_INTEREST,
        recipients=mail_recipients(
            coordinators_of(solution.owner_id),
            NotificationKind.ADOPTION_INTEREST,
            actor=adoption.recorded_by,
        ),
        key=f"adoption:{adoption.pk}",
        project=None,
        organisation=solution.owner,
        url=absolute_url(path),
        compose=compose,
    )


@transaction.atomic
def set_notification_preferences(*, user, frequencies: dict[str, str], language: str) -> None:
    """Save how often the user wants each kind of e-mail, and their language."""
    for kind, frequency in frequencies.items():
        preference = NotificationPreference.objects.select_for_update().filter(
            user=user, kind=kind
        ).first() or NotificationPreference(user=user, kind=kind)
        if preference.pk is None or preference.frequency != frequency:
            preference.frequency = frequency
            preference.full_clean()
            preference.save()
    chosen = LanguagePreference.objects.filter(user=user).first() or LanguagePreference(user=user)
    if chosen.pk is None or chosen.language != language:
        chosen.language = language
        chosen.full_clean()
        chosen.save()
