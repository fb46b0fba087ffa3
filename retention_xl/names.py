"""Safe names for files and sheets made from untrusted text (segment names, file names).

One idea: turn any text — a store called ``../../etc``, ``CON``, ``Köln/Bonn`` or
``=HYPERLINK(…)`` — into a file name that stays inside the output folder on Windows, macOS
and Linux, and into a valid Excel sheet name. Pure Python; imports nothing of the package.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["safe_filename", "safe_sheet_name", "unique_names"]

_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
    "COM¹",
    "COM²",
    "COM³",
    "LPT¹",
    "LPT²",
    "LPT³",
}
_FILE_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
MAX_FILE_STEM = 100
MAX_SHEET_NAME = 31


def safe_filename(text: str, *, fallback: str = "segment") -> str:
    """A file-name stem for ``text``: no path separators, no reserved or hidden names.

    Forbidden characters become ``_``; leading dots and spaces (hidden files, ``..``) and
    trailing dots and spaces (which Windows drops) are removed; Windows device names such as
    ``CON`` or ``com1`` get a trailing ``_``; the result has at most 100 characters.

    Examples
    --------
    >>> safe_filename("../../etc/passwd"), safe_filename("CON"), safe_filename("Köln/Bonn")
    ('_.._etc_passwd', 'CON_', 'Köln_Bonn')
    >>> safe_filename("..."), safe_filename(" =SUM(A1) ")
    ('segment', '=SUM(A1)')
    """
    name = unicodedata.normalize("NFC", str(text))
    name = _FILE_FORBIDDEN.sub("_", name)
    name = name.strip(" .")
    name = name[:MAX_FILE_STEM].rstrip(" .")
    if not name:
        return fallback
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = name.split(".")[0] + "_" + name[len(name.split(".")[0]) :]
    return name


def safe_sheet_name(text: str, *, fallback: str = "Sheet") -> str:
    """A valid Excel sheet name for ``text``: at most 31 characters, none of ``[]:*?/\\``,
    not starting or ending with an apostrophe, and not the reserved name ``History``.

    Examples
    --------
    >>> safe_sheet_name("Q1/2024: [draft]"), safe_sheet_name("'quoted'"), safe_sheet_name("History")
    ('Q1_2024_ _draft_', 'quoted', 'History_')
    """
    name = _SHEET_FORBIDDEN.sub("_", unicodedata.normalize("NFC", str(text))).strip()
    name = name.strip("'")[:MAX_SHEET_NAME].strip().strip("'")
    if not name:
        return fallback
    if name.lower() == "history":
        name += "_"
    return name


def unique_names(names: list[str]) -> list[str]:
    """Make names unique ignoring case (as Windows and Excel compare them) with -2, -3, …

    Examples
    --------
    >>> unique_names(["Berlin", "berlin", "Köln", "Berlin"])
    ['Berlin', 'berlin-2', 'Köln', 'Berlin-3']
    """
    seen: dict[str, int] = {}
    taken: set[str] = set()
    out = []
    for name in names:
        key = name.casefold()
        count = seen.get(key, 0) + 1
        seen[key] = count
        candidate = name if count == 1 else f"{name}-{count}"
        while candidate.casefold() in taken:
            count += 1
            candidate = f"{name}-{count}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out
