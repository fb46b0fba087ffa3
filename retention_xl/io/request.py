"""Which columns a read asks for, and finding them in a header.

One idea: a :class:`Request` says, for each role (customer, date, amount …), which header
names may hold it (the user's option, or a shop preset's candidates), whether it is
required, and which option names it in messages; :func:`resolve` finds them in a header —
exactly, else ignoring case, spaces, ``_`` and ``-`` — or raises a one-line
:class:`~retention_xl.errors.DataError` listing the columns that are there. Imports the
errors and :mod:`.messages`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import DataError
from .messages import say

__all__ = ["Request", "Want", "can_resolve", "missing", "resolve"]


@dataclass(frozen=True)
class Want:
    """One role: candidate names (first present wins), required or not, its option."""

    candidates: tuple[str, ...]
    required: bool
    option: str


@dataclass
class Request:
    """The roles a read wants (role -> :class:`Want`) and extra date columns."""

    wants: dict[str, Want]
    extra: tuple[str, ...] = ()
    lang: str = "en"
    options: dict[str, str] = field(default_factory=dict)


def _fold(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).lower()


def _find(header: Sequence[str], candidates: Sequence[str]) -> int | None:
    names = [h.strip() for h in header]
    for wanted in candidates:
        if wanted in names:
            return names.index(wanted)
    folded = [_fold(n) for n in names]
    for wanted in candidates:
        if _fold(wanted) in folded:
            return folded.index(_fold(wanted))
    return None


def resolve(header: Sequence[str], request: Request, source: str) -> dict[str, int]:
    """Positions in ``header`` of every requested role that is there (``extra:NAME`` for
    the extra date columns).

    Examples
    --------
    >>> r = Request({"customer": Want(("customer_id",), True, "--customer-col"),
    ...              "amount": Want(("amount",), False, "--amount-col")})
    >>> resolve(["Customer ID", "Date"], r, "a.csv")
    {'customer': 0}
    >>> resolve(["id"], r, "a.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    retention_xl.errors.DataError: a.csv: no column 'customer_id'; found 'id'. Name the right ...
    """
    found: dict[str, int] = {}
    for role, want in request.wants.items():
        at = _find(header, want.candidates)
        if at is not None:
            found[role] = at
        elif want.required:
            raise DataError(missing(header, want.candidates, want.option, source, request.lang))
    for name in request.extra:
        at = _find(header, (name,))
        if at is None:
            raise DataError(
                missing(header, (name,), "--start-col / --end-col", source, request.lang)
            )
        found[f"extra:{name}"] = at
    return found


def missing(
    header: Sequence[str], candidates: Sequence[str], option: str, source: str, lang: str
) -> str:
    """The message for a column that is not in ``header``."""
    shown = ", ".join(repr(h.strip()) for h in header if str(h).strip()) or "(none)"
    wanted = candidates[0] if len(candidates) == 1 else " / ".join(candidates)
    return say("no_column", lang, source=source, wanted=wanted, found=shown, option=option)


def can_resolve(header: Sequence[str], request: Request) -> bool:
    """True when every required role (and every extra column) is in ``header``."""
    return all(
        _find(header, want.candidates) is not None
        for want in request.wants.values()
        if want.required
    ) and all(_find(header, (name,)) is not None for name in request.extra)
