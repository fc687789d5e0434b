import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.models import Obligation

DEFAULT = Path(settings.BASE_DIR) / "projects" / "fixtures" / "ai_act_obligations.json"
FIELDS = [
    "title_da",
    "title_en",
    "article",
    "source_url",
    "risk_classes",
    "roles",
    "public_bodies_only",
    "annex_iii_only",
    "excluded_annex_iii_areas",
    "phase",
]


class Command(BaseCommand):
    help = (
        "Load a version of the AI Act obligation catalogue (a JSON file like "
        "projects/fixtures/ai_act_obligations.json) and give every project the obligations "
        "its profile implies. Entries are matched by code; an entry whose stored catalogue "
        "version is newer than the file's is left alone, so dates an administrator moved in "
        "the admin are not put back by an older file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))

    @transaction.atomic
    def handle(self, *args, path: str, **options):
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
            version, items = document["version"], document["obligations"]
            if not isinstance(version, int) or not isinstance(items, list):
                raise ValueError("a whole version number and a list of obligations are needed")
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"{path}: not a catalogue ({error})") from error
        changed = []
        # All or nothing: an entry refused undoes the entries loaded before it.
        for position, item in enumerate(items, start=1):
            code = item.get("code") if isinstance(item, dict) else None
            try:
                if self._load(item, version):
                    changed.append(code)
            except KeyError as error:
                raise CommandError(
                    f"{path}: obligation {position} ({code}) lacks the field {error}."
                ) from error
            except (ValueError, TypeError, AttributeError) as error:
                raise CommandError(f"{path}: obligation {position} ({code}): {error}") from error
            except ValidationError as error:
                problems = "; ".join(
                    f"{field}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                )
                raise CommandError(
                    f"{path}: obligation {position} ({code}) refused: {problems}"
                ) from error
        self.stdout.write(
            f"Catalogue version {version}: {len(changed)} of {len(items)} obligations loaded."
        )

    @staticmethod
    def _load(item: dict, version: int) -> bool:
        """Store one entry unless the stored one is as new; whether it was stored."""
        obligation = Obligation.objects.filter(code=item["code"]).first() or Obligation(
            code=item["code"], catalogue_version=0
        )
        if obligation.catalogue_version >= version:
            return False
        for field in FIELDS:
            setattr(obligation, field, item[field])
        obligation.applies_from = date.fromisoformat(item["applies_from"])
        obligation.catalogue_version = version
        obligation.full_clean()
        obligation.save()  # its projects follow (see projects.apps)
        return True
