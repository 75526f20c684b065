"""The FAQ index kept between starts (knowledge/faq_match.py: Matcher.write/read, matcher() with a
cache folder): read back it ranks exactly as built, a change of the data names another file, and a
missing, damaged or unwritable cache only means building again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from knowledge import faq_match
from knowledge.faq_match import KEYWORDS_DIR, Matcher, _pairs, load_phrasings


@pytest.fixture
def small_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Two entries in two languages, as data files the matcher reads; the process's matcher and
    cache folder restored afterwards."""
    phrasings, keywords = tmp_path / "phrasings", tmp_path / "keywords"
    phrasings.mkdir()
    keywords.mkdir()
    (phrasings / "en.yaml").write_text(
        "family:\n- can my wife come\n- bring my children\nfees:\n- how much does it cost\n"
    )
    (phrasings / "ko.yaml").write_text("family:\n- 가족초청\nfees:\n- 수수료얼마\n")
    (keywords / "en.yaml").write_text("family:\n- spouse\nfees:\n- fee\n")
    monkeypatch.setattr(faq_match, "PHRASINGS_DIR", phrasings)
    monkeypatch.setattr(faq_match, "KEYWORDS_DIR", keywords)
    faq_match.matcher.cache_clear()
    yield tmp_path
    faq_match.use_cache(None)
    faq_match.matcher.cache_clear()


def test_the_real_index_read_back_ranks_as_built(tmp_path: Path) -> None:
    keywords = _pairs(load_phrasings(KEYWORDS_DIR))
    phrasings = load_phrasings()
    built = Matcher(phrasings, keywords)
    built.write(tmp_path / "index.bin")
    read = Matcher.read(tmp_path / "index.bin", keywords)
    for name in Matcher._ARRAYS:
        assert getattr(read, name) == getattr(built, name), name
    assert read.slices == built.slices and read.size == built.size and read.topics == built.topics
    for _, text in _pairs(phrasings)[::97]:
        assert read.rank(text) == built.rank(text)


def test_the_first_start_builds_and_keeps_it_the_next_reads_it(
    small_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = small_data / "cache"
    faq_match.use_cache(cache)
    first = faq_match.matcher().rank("can my wife come?")
    files = list(cache.glob("faq-index-*.bin"))
    assert len(files) == 1 and first[0].entry == "family"

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again although the cache holds it")

    faq_match.matcher.cache_clear()
    monkeypatch.setattr(Matcher, "__init__", no_build)
    assert faq_match.matcher().rank("can my wife come?") == first


def test_changed_data_names_another_file_and_the_old_one_goes(small_data: Path) -> None:
    cache = small_data / "cache"
    faq_match.use_cache(cache)
    faq_match.matcher()
    (before,) = cache.glob("faq-index-*.bin")
    (small_data / "phrasings" / "ko.yaml").write_text("family:\n- 가족초청\n- 배우자\nfees:\n- 수수료얼마\n")
    faq_match.matcher.cache_clear()
    assert faq_match.matcher().rank("배우자")[0].entry == "family"  # the new phrasing: built anew
    assert [p.name for p in cache.iterdir()] != [before.name] and len(list(cache.iterdir())) == 1


def test_a_change_of_the_folding_code_names_another_file(small_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index holds n-grams of folded text: a change to knowledge/ngrams.py builds it anew."""
    from knowledge import ngrams

    assert Path(ngrams.__file__) in faq_match._CODE
    copies = []
    for code in faq_match._CODE:
        copies.append(small_data / code.name)
        copies[-1].write_bytes(code.read_bytes())
    monkeypatch.setattr(faq_match, "_CODE", tuple(copies))
    before = faq_match._fingerprint()
    folding = small_data / "ngrams.py"
    folding.write_text(folding.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert faq_match._fingerprint() != before


def _cut_short(whole: bytes) -> bytes:
    return whole[:-16]  # whole array items, as by a full disk: only the length check finds it


def _header_without_arrays(whole: bytes) -> bytes:
    return b'{"size": 5}\n' + whole[whole.index(b"\n") + 1 :]


@pytest.mark.parametrize("damage", [_cut_short, _header_without_arrays])
def test_a_damaged_cache_is_built_again_and_written_whole(small_data: Path, damage: Callable[[bytes], bytes]) -> None:
    cache = small_data / "cache"
    faq_match.use_cache(cache)
    faq_match.matcher()
    (path,) = cache.glob("faq-index-*.bin")
    whole = path.read_bytes()
    path.write_bytes(damage(whole))
    faq_match.matcher.cache_clear()
    assert faq_match.matcher().rank("how much does it cost")[0].entry == "fees"
    assert path.read_bytes() == whole


def test_an_unwritable_cache_folder_only_means_building(small_data: Path) -> None:
    blocked = small_data / "file-not-folder"
    blocked.write_text("")
    faq_match.use_cache(blocked / "cache")  # its parent is a file: nothing can be written there
    assert faq_match.matcher().rank("bring my children")[0].entry == "family"
