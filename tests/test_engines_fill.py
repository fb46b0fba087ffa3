"""`fill --engine duckdb`: workbooks from tables aggregated on the engine (no orders in
memory) show the same triangle and summary as the numpy fill of the same file."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from retention_xl import InputError, fill_many
from retention_xl.cli import main
from retention_xl.samples import SHOP_ORDERS


def _values(path: Path, sheet_index: int) -> list[list[object]]:
    book = load_workbook(path, read_only=True)
    rows = [list(row) for row in book.worksheets[sheet_index].iter_rows(values_only=True)]
    book.close()
    return rows


def _same(a: list[list[object]], b: list[list[object]]) -> None:
    assert len(a) == len(b)
    for row_a, row_b in zip(a, b, strict=True):
        for x, y in zip(row_a, row_b, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                assert x == pytest.approx(y, rel=1e-12, abs=1e-12)
            elif isinstance(x, str) and "orders in the table" in x:
                continue  # names the data: the file on one side, the engine's label on the other
            else:
                assert x == y


def test_fill_on_duckdb_equals_the_numpy_fill(tmp_path: Path) -> None:
    on_numpy = fill_many([SHOP_ORDERS], by="store", out_dir=tmp_path / "numpy", jobs=1)
    on_duckdb = fill_many([SHOP_ORDERS], by="store", out_dir=tmp_path / "duckdb", engine="duckdb")
    assert [r.path.name for r in on_duckdb] == [r.path.name for r in on_numpy]  # type: ignore[union-attr]
    assert all(r.ok for r in on_duckdb) and len(on_duckdb) == 4  # four stores in the sample
    for a, b in zip(on_numpy, on_duckdb, strict=True):
        assert a.cohorts == b.cohorts and a.rows_used == b.rows_used
        assert a.path is not None and b.path is not None
        _same(_values(a.path, 0), _values(b.path, 0))  # the cohort sheet: triangle, averages
        _same(_values(a.path, 1), _values(b.path, 1))  # the summary: KPIs from the totals


def test_engine_fill_refuses_what_only_the_reader_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(InputError, match="--live"):
        fill_many([SHOP_ORDERS], out_dir=tmp_path, engine="duckdb", live=True)
    args = ["fill", str(SHOP_ORDERS), "--engine", "duckdb", "--preset", "shopify"]
    assert main([*args, "--out-dir", str(tmp_path)]) == 2
    assert "--preset are read by the numpy engine only" in capsys.readouterr().err
