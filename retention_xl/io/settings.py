"""How to read an order file: the one settings object every reader, engine and command takes.

One idea: :class:`ReadSettings` holds what travels from a command line, a batch run or a
script to the order reader (columns, preset, CSV dialect, date form, unreadable rows,
language of the messages), checked once when it is made — an ``InputError`` names the field
and what it accepts. Imports :mod:`retention_xl.errors` only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from ..errors import InputError
from ..settings import Settings

__all__ = ["LANGS", "ReadSettings"]

LANGS: tuple[str, ...] = ("en", "de")
#: How a tab is written on a command line: ``--delimiter '\t'`` arrives as two characters.
_TABS = ("\\t", "tab", "\t")


def check_lang(lang: Any, field: str = "lang") -> str:
    """``lang`` if it is one of :data:`LANGS`, else an ``InputError`` naming ``field``."""
    if lang not in LANGS:
        raise InputError(f"{field} must be one of {', '.join(LANGS)}; got {lang!r}.")
    return str(lang)


def _name(value: Any, field: str) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InputError(f"{field} must name a column (a non-empty text); got {value!r}.")


@dataclass(frozen=True)
class ReadSettings(Settings):
    """The columns and the file form of an order read.

    Parameters
    ----------
    customer_col, date_col : str, optional
        Column names (defaults ``customer_id`` and ``order_date``, or the preset's). Matched
        exactly, else ignoring case, spaces, ``_`` and ``-``.
    amount_col : str or None
        Amount column (default ``amount``); if there is no such column the orders have no
        amounts (the report says so), unless ``require_amount``. None: ignore amounts.
    require_amount : bool
        Refuse a file without the amount column.
    preset : {"shopify", "woocommerce", "shopware"}, optional
        A shop's export read by its own column names (``docs/presets.md``).
    order_col : str, optional
        Order number column: rows sharing it are one order (line-item exports).
    sheet : str, optional
        Workbook sheet to read (default: the first sheet that holds the columns).
    delimiter, decimal, encoding : str, optional
        Override the detection (decimal: ``"."`` or ``","``).
    date_format : str, optional
        strftime pattern for dates the reader does not take on its own (``%d/%m/%Y``).
    on_error : {"raise", "skip"}
        Stop at the first unreadable row (default) or leave such rows out and report them.
    lang : {"en", "de"}
        Language of the report and the error messages.
    status_col : str, optional
        The column holding each order's status (default: the preset's; ``--status-col``).
    exclude_status : tuple of str
        Status values whose orders are left out, compared trimmed and case-insensitive,
        counted per status in the report like a preset's cancelled orders, whose statuses
        they add to (``--exclude-status``). Needs ``status_col`` or a preset's status.
    currency_col : str, optional
        The column holding each order's currency (default: the preset's;
        ``--currency-col``). Orders in more than one currency are refused, naming them:
        amounts in different currencies are never added.
    currency : str, optional
        Keep only the orders in this currency (``"EUR"``, any case); the others are left
        out and counted (``--currency``).
    timezone : str, optional
        An IANA time zone (``"Europe/Berlin"``): timestamps carrying an offset count on
        their calendar day in that zone; without it every order's day is the date written
        (``--timezone``).

    Examples
    --------
    >>> ReadSettings(date_col="Datum", lang="de").date_col
    'Datum'
    >>> ReadSettings(delimiter="tab").delimiter == ReadSettings(delimiter=r"\\t").delimiter == "\\t"
    True
    >>> ReadSettings(on_error="ignore")
    Traceback (most recent call last):
    ...
    retention_xl.errors.InputError: on_error must be 'raise' or 'skip'; got 'ignore'.
    """

    what: ClassVar[str] = "read setting"

    customer_col: str | None = None
    date_col: str | None = None
    amount_col: str | None = "amount"
    require_amount: bool = False
    preset: str | None = None
    order_col: str | None = None
    sheet: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    on_error: str = "raise"
    lang: str = "en"
    status_col: str | None = None
    exclude_status: tuple[str, ...] = ()
    currency_col: str | None = None
    currency: str | None = None
    timezone: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.delimiter, str) and self.delimiter.strip().lower() in _TABS:
            object.__setattr__(self, "delimiter", "\t")  # a shell passes '\t' as two characters
        if isinstance(self.exclude_status, str):
            object.__setattr__(self, "exclude_status", (self.exclude_status,))
        elif not isinstance(self.exclude_status, tuple):
            object.__setattr__(self, "exclude_status", tuple(self.exclude_status))
        for field in ("customer_col", "date_col", "amount_col", "order_col", "sheet"):
            _name(getattr(self, field), field)
        if self.on_error not in ("raise", "skip"):
            raise InputError(f"on_error must be 'raise' or 'skip'; got {self.on_error!r}.")
        if self.decimal not in (None, ".", ","):
            raise InputError(f"decimal must be '.' or ','; got {self.decimal!r}.")
        if self.delimiter is not None and (
            not isinstance(self.delimiter, str) or len(self.delimiter) != 1
        ):
            raise InputError(
                f"delimiter must be one character (such as ';' or a tab); got {self.delimiter!r}."
            )
        for field in ("status_col", "currency_col"):
            _name(getattr(self, field), field)
        for field in ("encoding", "date_format", "preset", "currency", "timezone"):
            value = getattr(self, field)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InputError(f"{field} must be a non-empty text; got {value!r}.")
        if not isinstance(self.require_amount, bool):
            raise InputError(f"require_amount must be True or False; got {self.require_amount!r}.")
        check_lang(self.lang)

    def with_columns(
        self, customer_col: str | None, date_col: str | None, amount_col: str | None
    ) -> ReadSettings:
        """These settings reading other columns (a billing file's month and MRR), the
        amount required."""
        return replace(
            self,
            customer_col=customer_col,
            date_col=date_col,
            amount_col=amount_col,
            require_amount=True,
        )

    @property
    def numpy_only(self) -> list[str]:
        """The options given that only the in-memory order reader reads (as flags)."""
        flags = {
            "preset": "--preset",
            "order_col": "--order-col",
            "sheet": "--sheet",
            "status_col": "--status-col",
            "exclude_status": "--exclude-status",
            "currency_col": "--currency-col",
            "currency": "--currency",
            "timezone": "--timezone",
        }
        return [flag for name, flag in flags.items() if getattr(self, name)]
