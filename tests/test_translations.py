"""Every message in code and templates has a Russian translation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_dir

from saasaisite.i18n import CATALOG_DIR, translations

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def source_messages() -> Iterator[tuple[str, str]]:
    """(msgid, where) for every translatable message in the project."""
    for folder, method in (("saasaisite", "python"), ("templates", "jinja2")):
        for filename, line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python"), ("**.html", "jinja2")],
            keywords=KEYWORDS,
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
        ):
            if method == "python" and not filename.endswith(".py"):
                continue
            msgids = message if isinstance(message, tuple) else (message,)
            for msgid in msgids:
                if msgid:
                    yield msgid, f"{folder}/{filename}:{line}"


def test_every_message_has_a_russian_translation() -> None:
    catalog = translations("ru")
    missing = sorted(
        {
            f"{where}: {msgid!r}"
            for msgid, where in source_messages()
            if catalog.gettext(msgid) == msgid
        }
    )
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_the_russian_catalogs_have_no_fuzzy_or_empty_entries() -> None:
    from babel.messages.pofile import read_po

    problems = []
    for path in sorted((CATALOG_DIR / "ru").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="ru")
        for message in catalog:
            if not message.id:
                continue
            strings = (
                message.string
                if isinstance(message.string, tuple)
                else (message.string,)
            )
            if message.fuzzy or not all(strings):
                problems.append(f"{path.name}: {message.id!r}")
    assert not problems, "\n".join(problems)
