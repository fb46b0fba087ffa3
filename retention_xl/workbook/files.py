"""Saving workbooks safely.

One idea: a workbook file appears complete or not at all. It is written to a temporary file
in the target directory and renamed over the target only when the write has finished, so a
crash leaves no half-written workbook; an existing file is replaced only when asked.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import TemplateError
from .parts import Edit, write_workbook

__all__ = ["save_atomically", "write_atomically"]


def save_atomically(
    workbook: Any,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    edit: Edit | None = None,
) -> Path:
    """Save an openpyxl ``workbook`` to ``path`` via a temporary file and an atomic rename.

    ``edit``, if given, changes the workbook's parts before they are written (see
    :func:`.parts.write_workbook`).

    Raises
    ------
    TemplateError
        When ``path`` exists and ``overwrite`` is false, or its folder does not exist.
    """
    return write_atomically(
        path, lambda temporary: write_workbook(workbook, temporary, edit), overwrite=overwrite
    )


def write_atomically(
    path: str | os.PathLike[str], write: Callable[[Path], None], *, overwrite: bool = False
) -> Path:
    """Let ``write`` fill a temporary file beside ``path``, then rename it to ``path``.

    Nothing is left behind when ``write`` fails or is interrupted, and an existing ``path``
    is replaced only with ``overwrite`` (and only once the new file is complete).
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise TemplateError(
            f"{target} already exists; choose another path or pass overwrite=True "
            "(--overwrite on the command line) to replace it."
        )
    if not target.parent.is_dir():
        raise TemplateError(f"cannot write {target}: the folder {target.parent} does not exist.")
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=target.suffix + ".part", dir=target.parent
    )
    os.close(handle)
    try:
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
        write(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
