"""The shape of the public API: settings travel as objects, never as ``**kwargs``.

A public function or method that takes ``**kwargs`` lets a misspelt option pass silently
(``fill_workbook(..., "forecast", horizn=6)`` once wrote a 12-month forecast); with the
settings dataclasses a wrong name is Python's TypeError and a wrong value the settings'
InputError naming the field.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest

import retention_xl
from retention_xl.cohorts import CohortSpec
from retention_xl.engines import EngineSettings
from retention_xl.errors import InputError
from retention_xl.io import ReadSettings
from retention_xl.models import ForecastSettings
from retention_xl.results import KpiSettings, SubscriptionSettings
from retention_xl.settings import Settings
from retention_xl.subscriptions import BillingSettings, SubscriptionConventions

SETTINGS = (
    ReadSettings,
    EngineSettings,
    CohortSpec,
    ForecastSettings,
    SubscriptionConventions,
    BillingSettings,
    KpiSettings,
    SubscriptionSettings,
)


def _modules() -> Iterator[Any]:
    yield retention_xl
    for info in pkgutil.walk_packages(retention_xl.__path__, "retention_xl."):
        if not info.name.endswith("__main__"):  # runs the command line
            yield importlib.import_module(info.name)


def _public_callables() -> Iterator[tuple[str, Any]]:
    seen: set[int] = set()
    for module in _modules():
        for name in getattr(module, "__all__", ()):
            item = getattr(module, name)
            if id(item) in seen:
                continue
            seen.add(id(item))
            where = f"{module.__name__}.{name}"
            if inspect.isclass(item):
                for attr, member in vars(item).items():
                    if attr.startswith("_"):
                        continue
                    function = getattr(member, "__func__", member)
                    if inspect.isfunction(function):
                        yield f"{where}.{attr}", function
            elif callable(item):
                yield where, item


def test_the_walk_finds_the_doors() -> None:
    names = {name for name, _ in _public_callables()}
    for door in (
        "retention_xl.read_orders",
        "retention_xl.fill_many",
        "retention_xl.engines.forecast_from_files",
        "retention_xl.workbook.write_cohort_workbook",
        "retention_xl.kinds.kind_named",
    ):
        assert door in names


#: Functions whose keywords are the ``{placeholders}`` of a text of the texts table, not
#: options: which fields each text takes is checked per key in both languages by
#: tests/test_texts.py, and a missing one is an InputError naming it.
TEXT_FILLERS = {
    "retention_xl.texts.text",
    "retention_xl.io.messages.say",
    "retention_xl.workbook.cohort_template.phrase",
}


def test_no_public_function_takes_kwargs() -> None:
    offenders = []
    for name, function in _public_callables():
        if name in TEXT_FILLERS:
            continue
        try:
            parameters = inspect.signature(function).parameters.values()
        except (TypeError, ValueError):  # a builtin without a signature
            continue
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            offenders.append(name)
    assert offenders == []


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda c: c.__name__)
def test_settings_are_frozen_checked_and_made_from_mappings(settings: type) -> None:
    assert dataclasses.is_dataclass(settings) and issubclass(settings, Settings)
    default = settings()
    field = dataclasses.fields(settings)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(default, field, None)
    with pytest.raises(InputError, match=rf"unknown {settings.what} colour; the .* are {field}"):
        settings.from_mapping({"colour": "blue"})
    assert settings.from_mapping({}) == default


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: ReadSettings(on_error="ignore"), "on_error"),
        (lambda: ReadSettings(decimal=";"), "decimal"),
        (lambda: ReadSettings(lang="fr"), "lang"),
        (lambda: EngineSettings("spark"), "engine"),
        (lambda: EngineSettings(memory_limit="lots"), "memory_limit"),
        (lambda: EngineSettings(workers=0), "workers"),
        (lambda: CohortSpec.of(kind="weekly"), "kind"),
        (lambda: CohortSpec.of(as_of="soon"), "as_of"),
        (lambda: ForecastSettings(holdout=0.95), "holdout"),
        (lambda: ForecastSettings(unit="fortnight"), "unit"),
        (lambda: SubscriptionConventions(reactivation_gap=0), "reactivation_gap"),
        (lambda: BillingSettings(start_col="from"), "start_col"),
        (lambda: KpiSettings(window_days=0), "window_days"),
        (lambda: SubscriptionSettings(value="logos"), "value"),
    ],
)
def test_a_bad_value_is_refused_when_made_naming_the_field(make: Any, field: str) -> None:
    with pytest.raises(InputError, match=field):
        make()
