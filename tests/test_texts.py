"""The one table of texts: complete in both languages, and the only place that chooses one."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from retention_xl import texts
from retention_xl.errors import InputError
from retention_xl.texts import LANGS, TEXTS, text

PACKAGE = Path(texts.__file__).resolve().parents[1]

#: Words that are the same in English and German, so a text may be too: abbreviations,
#: the R/F/M scores, and terms German marketing and statistics use unchanged.
SAME_IN_BOTH = {
    "ARPA",  # average revenue per account
    "GRR",  # gross revenue retention
    "LTV",  # lifetime value
    "MRR",  # monthly recurring revenue
    "NRR",  # net revenue retention
    "OK",
    "R",  # the RFM scores
    "F",
    "M",
    "Champions",  # an RFM segment
    "Expansion",  # an MRR movement
    "Holdout",  # the held-out periods of a forecast
    "Recency",  # the RFM term, kept in German workbooks
    "Segment",
}


def _fields(template: str) -> set[str]:
    """The names of a template's placeholders (``{{`` and ``}}`` are literal braces)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_languages_are_english_and_german() -> None:
    assert LANGS == ("en", "de")


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_english_and_german_with_the_same_placeholders(key: str) -> None:
    english, german = TEXTS[key]
    assert english.strip() and german.strip(), key
    assert _fields(english) == _fields(german), key
    assert re.fullmatch(r"[a-z][a-z_]*(\.[A-Za-z0-9_]+)+", key), key  # "area.name"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_can_be_filled_in_both_languages(key: str) -> None:
    fields = dict.fromkeys(_fields(TEXTS[key][0]), 1)
    for lang in LANGS:
        assert text(key, lang, **fields)


def test_german_differs_from_english_but_for_words_the_same_in_both() -> None:
    same = {key: english for key, (english, german) in TEXTS.items() if english == german}
    assert set(same.values()) <= SAME_IN_BOTH, same


def test_the_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        TEXTS["reader.more"] = ("x", "y")  # type: ignore[index]


def test_a_key_defined_twice_is_refused() -> None:
    with pytest.raises(RuntimeError, match=re.escape("'a.b' is defined twice")):
        texts._merge({"a.b": ("x", "y")}, {"a.b": ("x", "z")})


def test_text_fills_the_placeholders_in_the_language() -> None:
    assert text("reader.more", "en", n=3) == "… and 3 more"
    assert text("reader.more", "de", n=3) == "… und 3 weitere"
    assert text("cli.written", "de", written=2, total=3, folder="out") == (
        "2 von 3 Arbeitsmappen nach out geschrieben"
    )


@pytest.mark.parametrize(
    ("key", "lang", "named"),
    [
        ("reader.nothing", "en", "'reader.nothing'"),
        ("reader.more", "fr", "'fr'"),
        ("reader.more", "", "''"),
        ("reader.more", "en", "n"),  # a placeholder without its field
    ],
)
def test_text_refuses_an_unknown_key_language_or_missing_field(
    key: str, lang: str, named: str
) -> None:
    with pytest.raises(InputError, match=re.escape(named)):
        text(key, lang)


def test_no_module_outside_the_texts_package_chooses_a_language() -> None:
    """Every choice between an English and a German word is a look-up in the table (the
    command line and the batch runner are rewritten elsewhere and switch over later)."""
    choosing = re.compile(r"""lang\s*[!=]=\s*["'](de|en)["']|["']de["']\s+if\b""")
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.parent.name != "texts" and path.name not in ("cli.py", "batch.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if choosing.search(line)
    ]
    assert not found, "\n".join(found)


def test_the_texts_package_imports_only_the_errors_of_the_package() -> None:
    """It sits below every other module: the standard library, its own modules, and
    retention_xl.errors."""
    for path in sorted(Path(texts.__file__).parent.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        imported = re.findall(r"^(?:from|import)\s+(\S+)", source, re.MULTILINE)
        of_the_package = [name for name in imported if name.startswith("..")]
        assert of_the_package in ([], ["..errors"]), (path.name, of_the_package)
        assert not [name for name in imported if name.startswith("retention_xl")], path.name
