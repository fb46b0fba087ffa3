"""The words of the commands: the lines ``retention-xl`` prints on stderr (``cli.``), the
engine report (``engine.``) and the function reference (``reference.``, ``definitions.``)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {}
