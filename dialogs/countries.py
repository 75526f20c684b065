"""Nationality: matching what a person types to an ISO country code, in any script.

The names come from CLDR (babel): for every territory, its name in its own official languages
(Монгол, ไทย, Oʻzbekiston, नेपाल, កម្ពុជា, 中國 ...) and in the bot's languages, plus pycountry's
English names and codes. Keys are folded (case, diacritics, apostrophes, spaces) so "O'zbekiston",
"Ozbekiston" and "Oʻzbekiston" meet. A typo ("Bangladsh") is never taken as it is: suggest() names
the one clearly closest country for the person to confirm.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from dialogs.fuzzy import clearly_closest
from knowledge.ngrams import normalise

if TYPE_CHECKING:
    from babel import Locale

# Locales whose CLDR country names are accepted for every country: the catalogs' languages, English
# and traditional Chinese (中國 as well as 中国).
NAME_LOCALES = ("en", "ko", "zh_Hans", "zh_Hant", "vi", "ru", "uz", "ne", "th", "km", "id", "mn", "fil")

# Nationalities offered as buttons: the largest groups among foreign residents (program-facts §11).
COMMON = ("CN", "VN", "UZ", "NP", "PH", "ID", "TH", "KH", "MN", "IN", "RU", "US")

# Words around a country's name that are not the name: "Монгол Улс", "ประเทศไทย", "the Philippines",
# and a person of it: "người Việt Nam", "คนไทย", "中国人", "Монгол хүн".
_GENERIC = re.compile(
    r"^(?:ประเทศ|ប្រទេស|the |republic of |country |страна |negara |nuoc |bansa ng |देश |nguoi |คน|ជនជាតិ ?)"
    r"|(?: улс| uls| country| देश| хүн| hun|人)$"
)
# What people call a country or its people that CLDR and pycountry do not list, folded at build.
# "Korea" alone means the Republic of Korea here (CLDR has only "South Korea"); refused as nationality.
# "America" began only "American Samoa", the one name starting so: said of the United States.
_ALIASES = {
    "korea": "KR",
    "한국": "KR",
    "남한": "KR",
    "korean": "KR",
    "america": "US",
    "american": "US",
    "америка": "US",
    "amerika": "US",
    "vietnamese": "VN",
    "中国大陆": "CN",
    "nepalese": "NP",
    "nepali": "NP",
    "filipino": "PH",
    "filipina": "PH",
    "indonesian": "ID",
    "cambodian": "KH",
    "khmer": "KH",
    "ខ្មែរ": "KH",
    "kampuchea": "KH",
    "mongolian": "MN",
    "mongol": "MN",
    "indian": "IN",
    "российская федерация": "RU",
    "русский": "RU",
    "русская": "RU",
    "россиянин": "RU",
    "россиянка": "RU",
    "bangladeshi": "BD",
    "pakistani": "PK",
    "sri lankan": "LK",
    "burmese": "MM",
    "japanese": "JP",
}
# Written with its diacritics, not folded: "Mỹ" (Vietnamese for the United States) folds to "my",
# Malaysia's code.
_EXACT = {"mỹ": "US", "mĩ": "US", "nước mỹ": "US", "người mỹ": "US", "hoa kì": "US"}
# Typed words that name a country in one language and a code in another: asked, never taken. "Nga"
# is Russia in Vietnamese and Nigeria's code; "AS" is Amerika Serikat in Indonesian and American
# Samoa's code; "Chinese" may be said in Taiwan or Hong Kong too.
_UNSURE = {"nga": "RU", "as": "US", "chinese": "CN"}

FUZZY_MIN = 85  # rapidfuzz ratio (0-100) a typo must reach to be suggested
FUZZY_MARGIN = 6  # ... and by how much it must beat the best other country
FUZZY_MIN_LENGTH = 5  # shorter keys are too easily near something else ("Mali", "Oman", "Iran")


def _spaced(text: str) -> str:
    """The one folding of typed text (knowledge/ngrams.normalise): casefolded, NFKC, Latin, Greek
    and Cyrillic diacritics dropped (Việt → viet, Ўзбекистон → узбекистон), apostrophes removed,
    other punctuation a space."""
    return normalise(text)


def _key(text: str) -> str:
    return _spaced(text).replace(" ", "")


def _names(code: str, locales: dict[str, Locale]) -> set[str]:
    import pycountry
    from babel import Locale, UnknownLocaleError
    from babel.languages import get_official_languages

    names: set[str] = {code}
    c = pycountry.countries.get(alpha_2=code)
    if c is not None:
        names |= {c.alpha_3, c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")}
    for lang in (*NAME_LOCALES, *get_official_languages(code, de_facto=True)):
        if lang not in locales:
            try:
                locales[lang] = Locale.parse(lang)
            except (ValueError, UnknownLocaleError):  # a language CLDR has no locale data for
                continue
        names.add(locales[lang].territories.get(code, ""))
    return {n for n in names if n}


def build_index() -> dict[str, str]:
    """Folded name -> ISO code, from CLDR and pycountry (0.4 s, and 70-140 MB of RSS that the
    allocator keeps after: the reason the bot reads the written copy instead, see _index)."""
    import pycountry  # only here: the bot reads the written index

    locales: dict[str, Locale] = {}
    index: dict[str, str] = {_key(name): code for name, code in _ALIASES.items()}
    for c in pycountry.countries:
        for name in _names(c.alpha_2, locales):
            index.setdefault(_key(name), c.alpha_2)
    index.pop("", None)
    return dict(sorted(index.items()))


# build_index() written out (python -m dialogs.countries); tests/test_typed_answers.py checks it is
# current. Reading it costs ~5 ms and the index's 0.4 MB, at the first typed country.
INDEX_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "data" / "country_names.tsv"


@cache
def _index() -> dict[str, str]:
    with INDEX_FILE.open(encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("\t") for line in f if line.strip())


def write_index() -> None:
    lines = (f"{key}\t{code}\n" for key, code in build_index().items())
    INDEX_FILE.write_text("".join(lines), encoding="utf-8")


def find_country(text: str) -> str | None:
    """The ISO alpha-2 code for a typed country name or code, or None if nothing matches."""
    exact = " ".join(re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFC", text).casefold()).split())
    if exact in _EXACT:
        return _EXACT[exact]
    index = _index()
    spaced = _spaced(text)
    if spaced.replace(" ", "") in _UNSURE:
        return None  # suggest() asks
    framed = _GENERIC.sub("", spaced).strip().replace(" ", "")
    if framed in _UNSURE:  # with a word around it ("nước Nga") the language is clear: not a code
        return _UNSURE[framed]
    for key in (spaced.replace(" ", ""), framed):
        if key in index:
            return index[key]
    key = spaced.replace(" ", "")
    if len(key) >= 4:  # a unique beginning: "Viet" for Vietnam, "Russian" for "Russian Federation"
        hits = {code for name, code in index.items() if name.startswith(key)}
        if len(hits) == 1:
            return hits.pop()
    return None


def suggest(text: str) -> str | None:
    """The country a mistyped name most likely means ("Bangladsh", "Phillipines", "Mongolai"), when
    one is clearly closest; None when nothing is close or two countries are about as close."""
    key = _key(_GENERIC.sub("", _spaced(text)))
    if key in _UNSURE:
        return _UNSURE[key]
    if len(key) < FUZZY_MIN_LENGTH:
        return None
    return clearly_closest(key, _index(), minimum=FUZZY_MIN, lead=FUZZY_MARGIN)


if __name__ == "__main__":
    write_index()
