"""E-mail notifications: what each user wants to be told and how often, and the outbox of
e-mails, each written once under a unique key and sent by `manage.py send_notifications`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel
from .organisations import Organisation
from .projects import Project


class NotificationKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up request from the agency")
    ANSWER = "answer", _("Answer to a follow-up request")
    ESCALATION = "escalation", _("Barrier escalated to the agency")
    GATE_DECISION = "gate_decision", _("Gate decision on a project")
    ADOPTION_INTEREST = "adoption_interest", _("Interest in adopting a solution")
    DIGEST = "digest", _("Digest of what needs attention")

    @classmethod
    def events(cls) -> list[str]:
        """The kinds told one event at a time (or bundled into a digest)."""
        return [kind for kind in cls.values if kind != cls.DIGEST]

    @property
    def default_frequency(self) -> str:
        # The agency hears of every gate decision in the portfolio: once a day is enough.
        return {
            NotificationKind.GATE_DECISION: NotificationFrequency.DAILY,
            NotificationKind.DIGEST: NotificationFrequency.WEEKLY,
        }.get(self, NotificationFrequency.IMMEDIATELY)

    @property
    def review_note(self) -> bool:
        """E-mails of this kind quote a review note: only its readers receive them."""
        return self in (NotificationKind.FOLLOW_UP, NotificationKind.ANSWER)


class NotificationFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("In a daily digest")
    WEEKLY = "weekly", _("In a weekly digest")
    OFF = "off", _("Off")

    @classmethod
    def digests(cls) -> list[str]:
        return [cls.DAILY, cls.WEEKLY]


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    IN_DIGEST = "in_digest", _("Sent in a digest")
    SKIPPED = "skipped", _("Not sent")
    FAILED = "failed", _("Gave up sending")


class NotificationPreference(TimeStampedModel):
    """How often a user is told of one kind of event; without a row the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=NotificationFrequency.choices
    )

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="notification_preference_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=NotificationFrequency.values),
                name="notification_preference_frequency_valid",
            ),
            # A digest is itself the bundle: it comes daily, weekly or not at all.
            models.CheckConstraint(
                condition=~Q(kind=NotificationKind.DIGEST)
                | ~Q(frequency=NotificationFrequency.IMMEDIATELY),
                name="notification_preference_digest_not_immediate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()}: {self.get_frequency_display()}"

    def clean(self):
        digest = self.kind == NotificationKind.DIGEST
        if digest and self.frequency == NotificationFrequency.IMMEDIATELY:
            raise ValidationError({"frequency": _("The digest comes daily, weekly or not at all.")})

    @staticmethod
    def frequencies_of(user) -> dict[str, str]:
        """Every kind's frequency for the user, the defaults filled in."""
        chosen = dict(
            NotificationPreference.objects.filter(user=user).values_list("kind", "frequency")
        )
        return {
            kind: chosen.get(kind, NotificationKind(kind).default_frequency)
            for kind in NotificationKind.values
        }

    @staticmethod
    def chosen(frequencies: list[str], *, user_field: str = "recipient", kind_field: str = "kind"):
        """A condition on rows with a user and a kind: the user's frequency for the kind (their
        own choice, else the kind's default) is one of `frequencies`."""
        mine = NotificationPreference.objects.filter(
            user=OuterRef(user_field), kind=OuterRef(kind_field)
        )
        defaults = [
            kind
            for kind in NotificationKind.values
            if NotificationKind(kind).default_frequency in frequencies
        ]
        return Q(Exists(mine.filter(frequency__in=frequencies))) | (
            ~Q(Exists(mine)) & Q(**{f"{kind_field}__in": defaults})
        )


class LanguagePreference(TimeStampedModel):
    """The language a user's e-mails are written in (Danish unless they chose English)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="language_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="da"
    )

    class Meta:
        verbose_name = _("language preference")
        verbose_name_plural = _("language preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="language_preference_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_language_display()}"

    @staticmethod
    def of(user) -> str:
        chosen = LanguagePreference.objects.filter(user=user).values_list("language", flat=True)
        return next(iter(chosen), settings.LANGUAGE_CODE)


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=NotificationState.PENDING)

    def to_send_now(self, now):
        """Pending e-mails due for an attempt that are not waiting for a digest: events the
        recipient wants immediately (or has turned off since, to be skipped) and digests."""
        waiting_for_digest = Q(kind__in=NotificationKind.events()) & NotificationPreference.chosen(
            NotificationFrequency.digests()
        )
        return self.pending().filter(next_attempt_at__lte=now).exclude(waiting_for_digest)

    def waiting_for(self, user, frequency: str):
        """The user's pending events that go into their `frequency` digest."""
        return (
            self.pending()
            .filter(recipient=user, kind__in=NotificationKind.events())
            .filter(NotificationPreference.chosen([frequency]))
        )


class Notification(TimeStampedModel):
    """One e-mail to one user: written (in the recipient's language) in the transaction of the
    write it tells about, sent later by the command. The key makes writing and sending it
    happen once only."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    key = models.CharField(_("key"), max_length=200, unique=True)
    # The project the e-mail is about (none for a digest): who may still read it is checked
    # again when it is sent.
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("project"),
    )
    # The organisation whose members it is written to (the owner of a solution that another
    # organisation wants to adopt): the recipient must still be a member when it is sent.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("organisation"),
    )
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    # The digest an event was told in, when the recipient wanted events of its kind bundled.
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("digest"),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=NotificationState.values), name="notification_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True)
                | Q(state__in=[NotificationState.SENT, NotificationState.IN_DIGEST]),
                name="notification_sent_at_only_when_sent",
            ),
            models.CheckConstraint(
                condition=~Q(state=NotificationState.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="notification_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
