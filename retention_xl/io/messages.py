"""The words of the order reader, in English and German: a door to :mod:`retention_xl.texts`.

One idea: every message a read can produce — a rejected row, an unreadable file, a missing
column, the one-line summary — is a template of the texts table under ``reader.``, keyed by a
short name and filled with ``str.format``; the reader passes ``lang`` and never writes English
text of its own. Imports only :mod:`retention_xl.texts`.
"""

from __future__ import annotations

from ..texts import text

__all__ = ["say"]


def say(key: str, lang: str = "en", **values: object) -> str:
    """The message ``key`` in ``lang`` ("en" or "de"), filled with ``values``: the text
    ``"reader." + key`` of :data:`retention_xl.texts.TEXTS`.

    Examples
    --------
    >>> say("blank_rows", "de", n=2)
    ', 2 leere Zeilen übersprungen'
    """
    return text("reader." + key, lang, **values)
