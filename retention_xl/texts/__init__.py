"""The one table of texts: every word retention_xl writes, in English and German.

One idea: a text is looked up by key, never written twice. :data:`TEXTS` maps each key
(``"area.name"``) to its ``(English, German)`` pair; :func:`text` picks the language and fills
the ``{placeholders}`` with ``str.format``. The modules of this package hold the table by area
(:mod:`.reader`, :mod:`.analysis`, :mod:`.models`, :mod:`.subscriptions`, :mod:`.workbooks`,
:mod:`.commands`), each a plain dict; they are merged here, and a key defined twice is refused
at import. Imports only :mod:`retention_xl.errors`, so every module may import it.

API: ``text(key, lang, **fields) -> str``, ``TEXTS`` (read-only mapping key → (english,
german)), ``LANGS = ("en", "de")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..errors import InputError
from . import analysis, commands, models, reader, subscriptions, workbooks

__all__ = ["LANGS", "TEXTS", "number", "text"]

#: The languages of every text, in the order of the pairs of :data:`TEXTS`.
LANGS: tuple[str, str] = ("en", "de")


def _merge(*areas: dict[str, tuple[str, str]]) -> Mapping[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in areas:
        for key, pair in area.items():
            if key in merged:
                raise RuntimeError(f"retention_xl.texts: the key {key!r} is defined twice.")
            merged[key] = pair
    return MappingProxyType(merged)


#: Every text: key → (English, German).
TEXTS: Mapping[str, tuple[str, str]] = _merge(
    reader.TEXTS,
    analysis.TEXTS,
    models.TEXTS,
    subscriptions.TEXTS,
    workbooks.TEXTS,
    commands.TEXTS,
)


def text(key: str, lang: str, **fields: object) -> str:
    """The text ``key`` in ``lang``, its ``{placeholders}`` filled with ``fields``.

    Parameters
    ----------
    key : str
        A key of :data:`TEXTS`, such as ``"reader.blank_rows"``.
    lang : {"en", "de"}
        The language.
    **fields
        The values of the text's placeholders (``str.format``).

    Returns
    -------
    str
        The filled text.

    Raises
    ------
    InputError
        For an unknown key or language, or a placeholder without its field, naming it.

    Examples
    --------
    >>> text("reader.blank_rows", "de", n=2)
    ', 2 leere Zeilen übersprungen'
    >>> text("reader.blank_rows", "en", n=2)
    ', 2 blank rows skipped'
    >>> text("reader.blank_row", "en")
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: no text 'reader.blank_row' in retention_xl.texts.TEXTS.
    """
    pair = TEXTS.get(key)
    if pair is None:
        raise InputError(f"no text {key!r} in retention_xl.texts.TEXTS.")
    if lang not in LANGS:
        raise InputError(f"lang must be 'en' or 'de'; got {lang!r} (for the text {key!r}).")
    template = pair[LANGS.index(lang)]
    try:
        return template.format(**fields)
    except (KeyError, IndexError) as error:
        raise InputError(
            f"the text {key!r} has the placeholder {error}; got the fields {sorted(fields)}."
        ) from None


def number(value: float, lang: str, decimals: int = 0) -> str:
    """A number with the language's separators: ``1,234.50`` in English, ``1.234,50`` in
    German.

    Examples
    --------
    >>> number(14180, "de"), number(1234.5, "en", 2), number(-1234.5, "de", 2)
    ('14.180', '1,234.50', '-1.234,50')
    """
    if lang not in LANGS:
        raise InputError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}.")
    shown = f"{value:,.{decimals}f}"
    if lang == "de":
        shown = shown.replace(",", " ").replace(".", ",").replace(" ", ".")
    return shown
