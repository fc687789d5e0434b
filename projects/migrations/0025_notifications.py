import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0024_invitations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LanguagePreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "language",
                    models.CharField(
                        choices=[("da", "Danish"), ("en", "English")],
                        default="da",
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="language_preference",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "language preference",
                "verbose_name_plural": "language preferences",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("language__in", ["da", "en"])),
                        name="language_preference_language_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("follow_up", "Follow-up request from the agency"),
                            ("answer", "Answer to a follow-up request"),
                            ("escalation", "Barrier escalated to the agency"),
                            ("gate_decision", "Gate decision on a project"),
                            ("adoption_interest", "Interest in adopting a solution"),
                            ("digest", "Digest of what needs attention"),
                        ],
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True, verbose_name="key")),
                ("subject", models.CharField(max_length=250, verbose_name="subject")),
                ("body", models.TextField(verbose_name="text")),
                ("url", models.CharField(blank=True, max_length=500, verbose_name="link")),
                (
                    "language",
                    models.CharField(
                        choices=[("da", "Danish"), ("en", "English")],
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to be sent"),
                            ("sent", "Sent"),
                            ("in_digest", "Sent in a digest"),
                            ("skipped", "Not sent"),
                            ("failed", "Gave up sending"),
                        ],
                        default="pending",
                        max_length=20,
                        verbose_name="state",
                    ),
                ),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("next_attempt_at", models.DateTimeField(verbose_name="next attempt at")),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                (
                    "digest",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="events",
                        to="projects.notification",
                        verbose_name="digest",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="projects.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("state", "pending")),
                        fields=["next_attempt_at"],
                        name="notification_pending_idx",
                    )
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "follow_up",
                                    "answer",
                                    "escalation",
                                    "gate_decision",
                                    "adoption_interest",
                                    "digest",
                                ],
                            )
                        ),
                        name="notification_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("state__in", ["pending", "sent", "in_digest", "skipped", "failed"])
                        ),
                        name="notification_state_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("sent_at__isnull", True),
                            ("state__in", ["sent", "in_digest"]),
                            _connector="OR",
                        ),
                        name="notification_sent_at_only_when_sent",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("state", "sent"), _negated=True),
                            ("sent_at__isnull", False),
                            _connector="OR",
                        ),
                        name="notification_sent_has_sent_at",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("follow_up", "Follow-up request from the agency"),
                            ("answer", "Answer to a follow-up request"),
                            ("escalation", "Barrier escalated to the agency"),
                            ("gate_decision", "Gate decision on a project"),
                            ("adoption_interest", "Interest in adopting a solution"),
                            ("digest", "Digest of what needs attention"),
                        ],
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("immediately", "Immediately"),
                            ("daily", "In a daily digest"),
                            ("weekly", "In a weekly digest"),
                            ("off", "Off"),
                        ],
                        max_length=20,
                        verbose_name="frequency",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preferences",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification preference",
                "verbose_name_plural": "notification preferences",
                "ordering": ["user", "kind"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "kind"), name="notification_preference_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "follow_up",
                                    "answer",
                                    "escalation",
                                    "gate_decision",
                                    "adoption_interest",
                                    "digest",
                                ],
                            )
                        ),
                        name="notification_preference_kind_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("frequency__in", ["immediately", "daily", "weekly", "off"])
                        ),
                        name="notification_preference_frequency_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "digest"), _negated=True),
                            models.Q(("frequency", "immediately"), _negated=True),
                            _connector="OR",
                        ),
                        name="notification_preference_digest_not_immediate",
                    ),
                ],
            },
        ),
    ]
