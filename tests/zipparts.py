"""The parts of a workbook file, for tests that compare workbooks part by part."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def parts(path: Path, *, normalise: bool = False) -> dict[str, bytes]:
    """Every zip member of ``path``; with ``normalise`` the save time (the one volatile part,
    as XlsxWriter's own tests normalise it) is removed from ``docProps/core.xml``."""
    with zipfile.ZipFile(path) as archive:
        found = {name: archive.read(name) for name in archive.namelist()}
    if normalise and "docProps/core.xml" in found:
        found["docProps/core.xml"] = re.sub(
            rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", b"", found["docProps/core.xml"]
        )
    return found
