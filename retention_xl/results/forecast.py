"""The forecast result: BG/NBD and Gamma-Gamma fitted to orders, every customer forecast.

One idea: the doors from orders in memory or order files on an engine to a
:class:`~retention_xl.models.forecast.Forecast` under
:class:`~retention_xl.models.forecast.ForecastSettings`, per segment for batch filling;
the forecast workbook only lays a forecast out. Imports :mod:`retention_xl.models`,
:mod:`retention_xl.io` and :mod:`retention_xl.engines`.
"""

from __future__ import annotations

from typing import Any

from ..engines import EngineReport, EngineSettings, forecast_from_files
from ..engines import segment_forecasts_from_files as forecasts_of_files
from ..errors import InputError
from ..io import Orders, ReadSettings
from ..models.forecast import ArrayHistory, Forecast, ForecastSettings, forecast_history

__all__ = ["forecast_result", "forecast_results_from_files"]


def forecast_result(orders: Orders, settings: ForecastSettings | None = None) -> Forecast:
    """The forecast of orders in memory (see :func:`retention_xl.models.forecast.forecast`).

    Raises
    ------
    InputError
        For no orders, or orders the models cannot use.
    """
    if len(orders) == 0:
        raise InputError(f"{orders.report.source}: no orders to forecast from.")
    history = ArrayHistory.of(orders.customer_ids, orders.order_dates, orders.amounts)
    return forecast_history(history, settings)


def forecast_results_from_files(
    path: Any,
    by: str | None,
    settings: ForecastSettings | None = None,
    *,
    read: ReadSettings | None = None,
    engine: EngineSettings | None = None,
) -> tuple[dict[str, Forecast], EngineReport]:
    """The forecasts of files on an engine, one per value of ``by`` (key ``""`` without);
    a segment that cannot be forecast is left out and named in the report's ``failed``."""
    if by is None:
        result, report = forecast_from_files(path, settings, read=read, engine=engine)
        return {"": result}, report
    return forecasts_of_files(path, by, settings, read=read, engine=engine, keep_going=True)
