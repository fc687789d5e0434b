import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0022_api_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="cvr",
            field=models.CharField(
                blank=True,
                help_text="The organisation's CVR number. Sign-in through an identity provider finds the organisation by it.",
                max_length=8,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[0-9]{8}$", "A CVR number has exactly 8 digits."
                    )
                ],
                verbose_name="CVR number",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="password_login_allowed",
            field=models.BooleanField(
                default=True,
                help_text="Off: the organisation's members sign in only through their identity provider, never with a password.",
                verbose_name="password sign-in allowed",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cvr", ""), _negated=True),
                fields=("cvr",),
                name="organisation_cvr_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(("cvr", ""), ("cvr__regex", "^[0-9]{8}$"), _connector="OR"),
                name="organisation_cvr_eight_digits",
            ),
        ),
        migrations.CreateModel(
            name="ExternalIdentity",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("issuer", models.CharField(max_length=255, verbose_name="issuer")),
                ("subject", models.CharField(max_length=255, verbose_name="subject")),
                (
                    "provider_key",
                    models.CharField(
                        blank=True,
                        help_text="The key of the configured provider the person last signed in through.",
                        max_length=50,
                        verbose_name="provider",
                    ),
                ),
                (
                    "last_login_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last sign-in"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="external_identities",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "external identity",
                "verbose_name_plural": "external identities",
                "ordering": ["issuer", "subject"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("issuer", "subject"), name="external_identity_issuer_subject_unique"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("issuer", ""), _negated=True),
                            models.Q(("subject", ""), _negated=True),
                        ),
                        name="external_identity_issuer_and_subject_set",
                    ),
                ],
            },
        ),
    ]
