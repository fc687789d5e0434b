from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def test_every_danish_message_is_translated():
    po = polib.pofile(str(ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
