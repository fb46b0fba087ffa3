"""What every settings object shares: made from a mapping, unknown names refused.

One idea: :class:`Settings` is the base of the package's frozen settings dataclasses
(:class:`~retention_xl.io.ReadSettings`, :class:`~retention_xl.engines.EngineSettings`,
:class:`~retention_xl.cohorts.CohortSpec`, :class:`~retention_xl.models.ForecastSettings`,
:class:`~retention_xl.subscriptions.SubscriptionConventions`,
:class:`~retention_xl.subscriptions.BillingSettings`, and the results' settings); each
checks its own fields when made. :meth:`Settings.from_mapping` builds one from a mapping
of names (a configuration file, a form) and names what it does not know. Imports
:mod:`retention_xl.errors` only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from .errors import InputError

__all__ = ["Settings"]

S = TypeVar("S", bound="Settings")


class Settings:
    """Base of the settings dataclasses; ``what`` names one field in messages."""

    what: ClassVar[str] = "setting"

    @classmethod
    def from_mapping(cls: type[S], options: Mapping[str, Any]) -> S:
        """The settings of ``options`` by field name; an unknown name is an ``InputError``
        that lists the fields.

        Examples
        --------
        >>> from retention_xl.io import ReadSettings
        >>> ReadSettings.from_mapping({"date_col": "Datum"}).date_col
        'Datum'
        >>> ReadSettings.from_mapping({"date_column": "Datum"})
        Traceback (most recent call last):
        ...
        retention_xl.errors.InputError: unknown read setting date_column; the read settings \
are customer_col, date_col, amount_col, require_amount, preset, order_col, sheet, delimiter, \
decimal, encoding, date_format, on_error, lang, status_col, exclude_status, currency_col, \
currency, timezone.
        """
        names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        unknown = [name for name in options if name not in names]
        if unknown:
            raise InputError(
                f"unknown {cls.what} {', '.join(unknown)}; the {cls.what}s are {', '.join(names)}."
            )
        return cls(**options)
