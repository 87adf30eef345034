"""Translations: Russian first, English second.

Messages are written in English in code and templates and translated from
the catalogs in `saasaisite/translations/<locale>/*.po`. Each area keeps a
catalog file of its own; the files of one locale are merged when loaded.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from quart import g, has_request_context, request

LOCALES = ("ru", "en")
DEFAULT_LOCALE = "ru"
LANG_COOKIE = "lang"
CATALOG_DIR = Path(__file__).parent / "translations"


@cache
def translations(locale: str) -> NullTranslations:
    """The merged catalog of one locale (English needs none)."""
    merged: NullTranslations = NullTranslations()
    for path in sorted((CATALOG_DIR / locale).glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = Translations(buffer)
        if isinstance(merged, Translations):
            merged.merge(part)
        else:
            merged = part
    return merged


def select_locale() -> str:
    """The switch's cookie, else the browser's languages, else Russian."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(LOCALES)
    return best or DEFAULT_LOCALE


def current_locale() -> str:
    if has_request_context():
        return str(g.get("locale", DEFAULT_LOCALE))
    return DEFAULT_LOCALE


def gettext(message: str, **variables: object) -> str:
    """Translate `message` into the request's language, then format it."""
    text = translations(current_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(current_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}
