"""The words of the subscription analysis (:mod:`retention_xl.subscriptions`): the movement
table's headers, the conventions' sentences, the revenue cohorts and the command's counts."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {}
