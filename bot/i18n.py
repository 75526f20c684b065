"""Languages: catalogs from locales/, the choice of locale, and rendering Text values.

Catalogs are compiled in memory from the .po files at start, so there is no build step and no
stale .mo file. Parameters are formatted with Babel (CLDR) in the user's locale and escaped for
Telegram HTML; message templates themselves may contain Telegram's HTML tags.
"""

from __future__ import annotations

import html
from datetime import date, datetime, time
from functools import cache, lru_cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

from bot.clock import SEOUL
from knowledge.text import Country, Joined, Language, Lines, Message, Money, Text, Verbatim, WithKorean, YearMonth

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
STAFF_DOMAIN = "staff"  # the staff interface: Korean, with English available
STAFF_LOCALES = ("ko", "en")
DEFAULT_LOCALE = "en"

# Telegram language_code (IETF tag) -> our catalog name, where the two differ.
ALIASES = {
    "zh": "zh_Hans",
    "zh-hans": "zh_Hans",
    "zh-cn": "zh_Hans",
    "zh-sg": "zh_Hans",
    "tl": "fil",
    "uz-cyrl": "uz",
    "uz-latn": "uz",
}

# CLDR's short Korean time reads "PM 11:59"; Korean writing says 오후 11:59 (the wide day period).
# Khmer's reads "11:59 PM", English letters in Khmer text: Cambodia writes the 24-hour clock.
TIME_PATTERNS = {"ko": "aaaa h:mm", "km": "HH:mm"}
# Mongolian's long date spells the month out ("арван хоёрдугаар сарын"); it is written 12-р сарын.
DATE_PATTERNS = {"mn": "medium"}


@cache
def available_locales() -> tuple[str, ...]:
    """Locales with a catalog, English first then by code."""
    found = sorted(p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return tuple(sorted(found, key=lambda c: (c != DEFAULT_LOCALE, c)))


def resolve_locale(language_code: str | None) -> str:
    """Our locale for a Telegram language_code: exact, alias, then the bare language; else English."""
    if not language_code:
        return DEFAULT_LOCALE
    tag = language_code.strip().lower().replace("_", "-")
    available = {c.lower(): c for c in available_locales()}
    for candidate in (tag, ALIASES.get(tag, ""), tag.split("-")[0], ALIASES.get(tag.split("-")[0], "")):
        if candidate and candidate.lower() in available:
            return available[candidate.lower()]
    return DEFAULT_LOCALE


# Where CLDR's own name is not what speakers call the language in a picker.
NATIVE_NAMES = {"id": "Bahasa Indonesia"}


def native_name(locale: str) -> str:
    """The language's name in itself, for the language picker."""
    name = NATIVE_NAMES.get(locale) or Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


@cache
def _translations(locale: str, domain: str = DOMAIN) -> Translations | NullTranslations:
    path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():  # the staff catalog exists in Korean only; English is its source
        return NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=domain)


class Translator:
    """Renders Text values in one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in available_locales() else DEFAULT_LOCALE
        self.babel = Locale.parse(self.locale)
        self._t = _translations(self.locale)
        self._staff = _translations(self.locale, STAFF_DOMAIN)
        # Rendering is pure, and the same screens are rendered for everyone: a message with
        # parameters (numbers, dates, names formatted with CLDR's rules) is rendered once. Bounded:
        # what people type (Verbatim) passes through it too.
        self._with_params = lru_cache(maxsize=512)(self._render)

    def render(self, message: Message, *, html_mode: bool = True) -> str:
        """The message as a string: HTML for message text, plain for button labels."""
        if isinstance(message, Text) and not message.params:  # a catalog lookup: cheaper than a cache's
            return self._render(message, html_mode)
        try:
            return self._with_params(message, html_mode)
        except TypeError:  # a parameter that cannot be hashed
            return self._render(message, html_mode)

    def _render(self, message: Message, html_mode: bool) -> str:
        if isinstance(message, Lines):
            sep = "\n\n" if message.folded else "\n"  # a folded block's items are its paragraphs
            text = sep.join(self.render(m, html_mode=html_mode) for m in message.items)
            return f"<blockquote expandable>{text}</blockquote>" if message.folded and html_mode else text
        catalog = self._staff if message.domain == STAFF_DOMAIN else self._t
        if message.plural is not None:
            template = catalog.ngettext(message.msgid, message.plural, message.n or 0)
        else:
            template = catalog.gettext(message.msgid)
        if not message.params:
            return template
        values = {k: self._param(v, html_mode) for k, v in message.params.items()}
        return template.format_map(values)

    def _param(self, value: object, html_mode: bool) -> str:
        esc = (lambda s: html.escape(s, quote=False)) if html_mode else (lambda s: s)
        if isinstance(value, Text | Lines):
            return self.render(value, html_mode=html_mode)
        if isinstance(value, Joined):
            return format_list([self._param(i, html_mode) for i in value.items], locale=self.babel)
        if isinstance(value, WithKorean):
            translated = self.render(value.text, html_mode=html_mode)
            # Shown once where the translation already contains it (Korean: "제시된 연봉" for 연봉).
            return translated if value.korean in translated else f"{translated} ({esc(value.korean)})"
        if isinstance(value, Verbatim):
            return esc(value.value)
        if isinstance(value, Money):
            return esc(format_currency(value.krw, "KRW", locale=self.babel))
        if isinstance(value, Country):
            return esc(self.babel.territories.get(value.code, value.code))
        if isinstance(value, Language):
            return esc(_language_name(value.code, self.babel))
        if isinstance(value, YearMonth):
            return esc(format_skeleton("yMMMM", date(value.year, value.month, 1), locale=self.babel))
        if isinstance(value, datetime):
            local = value.astimezone(SEOUL)
            hour = format_time(local, TIME_PATTERNS.get(self.locale, "short"), locale=self.babel)
            return esc(f"{format_date(local, DATE_PATTERNS.get(self.locale, 'long'), locale=self.babel)} {hour}")
        if isinstance(value, date):
            return esc(format_date(value, DATE_PATTERNS.get(self.locale, "long"), locale=self.babel))
        if isinstance(value, time):  # an hour of the day, as written in Korea time by its caller
            return esc(
                format_time(value.replace(tzinfo=None), TIME_PATTERNS.get(self.locale, "short"), locale=self.babel)
            )
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return esc(format_decimal(value, format="#,##0.#", locale=self.babel))
        return esc(str(value))


@cache
def _language_name(code: str, reader: Locale) -> str:
    """'vi' read in Korean: 베트남어; a code Babel does not know: the code."""
    try:
        return Locale.parse(code).get_display_name(reader) or code
    except (ValueError, UnknownLocaleError):
        return code


@cache
def translator(locale: str) -> Translator:
    return Translator(locale)
