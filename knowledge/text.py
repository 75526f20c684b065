"""Translatable text as data.

Layers below the bot never translate: they return ``Text`` values (a msgid plus parameters) and the
bot renders them in the user's locale. ``T`` and ``TP`` are also the gettext keywords that Babel
extracts (see babel.cfg), so every literal passed to them lands in the catalogs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Money:
    """An amount in Korean won, formatted per locale when rendered."""

    krw: int


@dataclass(frozen=True)
class Verbatim:
    """Text shown exactly as given (escaped), e.g. something the user typed or an official name."""

    value: str


@dataclass(frozen=True)
class Name(Verbatim):
    """A company's or a person's name in a button label: shortened to fit its row where the label
    would be too wide (bot/render.py, dialogs/budgets.fit_name); shown whole anywhere else."""


@dataclass(frozen=True)
class Text:
    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None
    domain: str = "messages"  # the gettext catalog: "messages" (everyone) or "staff" (Korean + English)

    def __hash__(self) -> int:
        # Labels are hashed for every keyboard (bot/render.py keeps them): a frozenset, not the
        # params sorted by their repr (which formatted every parameter on every hash).
        return hash((self.msgid, self.plural, self.n, self.domain, frozenset(self.params.items())))


def T(msgid: str, **params: object) -> Text:
    """A translatable message; ``{name}`` placeholders are filled from params after translation."""
    return Text(msgid, params)


def TP(singular: str, plural: str, n: int, **params: object) -> Text:
    """A translatable message with plural forms chosen by ``n`` (also available as ``{n}``)."""
    return Text(singular, {"n": n, **params}, plural=plural, n=n)


def S(msgid: str, **params: object) -> Text:
    """A message of the staff interface (catalog "staff": Korean, with English as the source)."""
    return Text(msgid, params, domain="staff")


def SP(singular: str, plural: str, n: int, **params: object) -> Text:
    return Text(singular, {"n": n, **params}, plural=plural, n=n, domain="staff")


def years_text(years: float) -> Text:
    """'1 year', '2.5 years' with the plural form of the locale."""
    years = float(years)
    whole = years.is_integer()
    return TP("{years} year", "{years} years", int(years) if whole else 2, years=years)


@dataclass(frozen=True)
class Country:
    """A country by ISO 3166 alpha-2 code; rendered as its name in the user's language (CLDR)."""

    code: str


@dataclass(frozen=True)
class Language:
    """A language by its catalog code (vi, zh_Hans); rendered as its name in the reader's language (CLDR)."""

    code: str


@dataclass(frozen=True)
class YearMonth:
    """A month of a year, rendered per locale ("February 2026", "2026년 2월")."""

    year: int
    month: int


@dataclass(frozen=True)
class Joined:
    """Several texts shown as one, separated per locale (a list like 'A, B and C')."""

    items: tuple[object, ...]


@dataclass(frozen=True)
class Lines:
    """Texts shown one per line (layout only; nothing to translate). ``folded``: paragraphs shown
    folded, their first lines only until tapped (Telegram's expandable quote), for details behind
    the outcome; a folded block holds no folded block (Telegram's quotes do not nest)."""

    items: tuple[Text | Lines, ...]
    folded: bool = False

    def __post_init__(self) -> None:
        if self.folded and any(isinstance(i, Lines) and (i.folded or i.holds_fold) for i in self.items):
            raise ValueError("a folded block cannot hold another")

    @property
    def holds_fold(self) -> bool:
        return any(isinstance(i, Lines) and (i.folded or i.holds_fold) for i in self.items)


Message = Text | Lines


@dataclass(frozen=True)
class WithKorean:
    """A translated name with the official Korean one beside it, as the person will meet it on
    Korean forms: 'Web developer (웹 개발자)'. In Korean, where the two are the same, just once."""

    text: Text
    korean: str
