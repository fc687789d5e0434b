"""Every string the interface shows has a Danish translation."""

import ast
import re
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


def _danish() -> dict[str, polib.POEntry]:
    po = polib.pofile(str(CATALOGUE))
    return {entry.msgid: entry for entry in po if entry.translated() and not entry.obsolete}


def python_strings() -> set[str]:
    """Literal strings passed to gettext functions in the project's Python code."""
    found = set()
    for folder in ("projects", "sigprojects"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) in GETTEXT_CALLS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return found


_TRANSLATE = re.compile(r"""\{%\s*translate\s+(?:"([^"]*)"|'([^']*)')""")
_UNDERSCORE = re.compile(r"""_\((?:"([^"]*)"|'([^']*)')\)""")
_BLOCK = re.compile(r"\{%\s*blocktranslate\b[^%]*%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.DOTALL)
_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def template_strings() -> set[str]:
    found = set()
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in _TRANSLATE.finditer(text):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
        for match in _UNDERSCORE.finditer(text):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
        for match in _BLOCK.finditer(text):
            singular = re.split(r"\{%\s*plural\s*%\}", match.group(1))[0]
            found.add(_VARIABLE.sub(r"%(\1)s", singular))
    return found


def test_every_interface_string_has_a_danish_translation():
    danish = _danish()
    missing = sorted((python_strings() | template_strings()) - set(danish))
    assert missing == [], f"no Danish translation for: {missing}"


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_extraction_finds_strings_from_both_sources():
    # Guards the test above against silently finding nothing.
    assert "Gate decision" in python_strings()
    assert "Status" in template_strings()
    assert "Page %(number)s of %(count)s" in template_strings()
