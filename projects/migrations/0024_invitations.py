import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import projects.models.invitations


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0023_identity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Invitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("coordinator", "Coordinator"),
                            ("viewer", "Viewer"),
                            ("reviewer", "Portfolio reviewer"),
                            ("administrator", "Portfolio administrator"),
                        ],
                        max_length=20,
                        verbose_name="role",
                    ),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        default=projects.models.invitations.default_expiry, verbose_name="expires"
                    ),
                ),
                (
                    "token_hash",
                    models.CharField(
                        default=projects.models.invitations._unknown_token_hash,
                        editable=False,
                        max_length=64,
                        unique=True,
                        verbose_name="token hash",
                    ),
                ),
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
                    "sent_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="sent"
                    ),
                ),
                (
                    "send_failed_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="sending failed"
                    ),
                ),
                (
                    "accepted_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="accepted"
                    ),
                ),
                (
                    "withdrawn_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="withdrawn at"
                    ),
                ),
                (
                    "accepted_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="accepted by",
                    ),
                ),
                (
                    "invited_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invitations_sent",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="invited by",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invitations",
                        to="projects.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
            ],
            options={
                "verbose_name": "invitation",
                "verbose_name_plural": "invitations",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(
                        fields=["organisation", "-created_at"], name="invitation_org_created"
                    ),
                    models.Index(
                        fields=["invited_by", "created_at"], name="invitation_inviter_created"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("role__in", ["coordinator", "viewer", "reviewer", "administrator"])
                        ),
                        name="invitation_role_valid",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("accepted_at__isnull", True), ("accepted_by__isnull", True)),
                            models.Q(
                                ("accepted_at__isnull", False), ("accepted_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="invitation_accepted_by_whom",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("withdrawn_at__isnull", True), ("withdrawn_by__isnull", True)
                            ),
                            models.Q(
                                ("withdrawn_at__isnull", False), ("withdrawn_by__isnull", False)
                            ),
                            _connector="OR",
                        ),
                        name="invitation_withdrawn_by_whom",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("accepted_at__isnull", True),
                            ("withdrawn_at__isnull", True),
                            _connector="OR",
                        ),
                        name="invitation_accepted_or_withdrawn",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="invitation_expires_after_creation",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(
                            ("accepted_at__isnull", True), ("withdrawn_at__isnull", True)
                        ),
                        fields=("email", "organisation"),
                        name="invitation_one_open_per_email_and_organisation",
                    ),
                ],
            },
        ),
    ]
