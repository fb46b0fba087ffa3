"""Opening an untrusted Excel zip safely.

One idea: before any library unpacks a workbook, check the sizes its zip directory declares,
so a 100 KB file cannot expand to gigabytes in memory (a zip bomb). Imports the standard
library and the errors only.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

__all__ = ["MAX_RATIO", "MAX_TOTAL", "zip_problem"]

MAX_TOTAL = 512 * 2**20  #: uncompressed bytes a workbook may declare in all
MAX_RATIO = 200  #: uncompressed / compressed size allowed for a member over 1 MiB


def zip_problem(path: Path) -> str | None:
    """Why ``path`` must not be unpacked (not a zip, no workbook, zip-bomb sizes), or None.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> _ = p.write_text("hello")
    >>> zip_problem(p)
    'not a zip file'
    """
    if not zipfile.is_zipfile(path):
        return "not a zip file"
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL:
            return (
                f"it would unpack to {total / 2**20:,.0f} MiB, more than "
                f"{MAX_TOTAL / 2**20:,.0f} MiB"
            )
        for info in infos:
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size > 2**20 and ratio > MAX_RATIO:
                return f"{info.filename} is compressed {ratio:,} to 1, like a zip bomb"
        if "xl/workbook.xml" not in archive.namelist():
            return "a zip file but no Excel workbook (no xl/workbook.xml)"
    return None
