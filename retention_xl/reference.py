"""The function reference, rendered from the definitions table.

One idea: the text people read about the Excel functions — the terminal listing of
``retention-xl functions`` and the Markdown page ``docs/functions.md`` — produced from
:data:`~retention_xl.definitions.ALL_DEFINITIONS`, so it can never drift from the code.
"""

from __future__ import annotations

from .definitions import ALL_DEFINITIONS
from .texts import LANGS, text

__all__ = ["function_list", "markdown"]

_HEAD = ("name", "alias", "summary")  # the texts reference.<key>


def function_list(lang: str = "en") -> str:
    """One line per Excel function: name, alias and one-line description, in ``lang``.

    Examples
    --------
    >>> function_list().splitlines()[2].split()[:2]
    ['RETENTION_RATE', 'KUNDENBINDUNGSRATE']
    """
    head = tuple(text("reference." + key, lang) for key in _HEAD)
    other = LANGS[1 - LANGS.index(lang)]  # the alias column: the other language's name
    rows = [(d.excel_name(lang), d.excel_name(other), d.summary(lang)) for d in ALL_DEFINITIONS]
    widths = [max(len(r[i]) for r in [*rows, head]) + 2 for i in range(2)]
    lines = [f"{head[0]:<{widths[0]}}{head[1]:<{widths[1]}}{head[2]}"]
    lines.append("-" * (sum(widths) + len(head[2])))
    lines += [f"{a:<{widths[0]}}{b:<{widths[1]}}{c}" for a, b, c in rows]
    return "\n".join(lines)


def markdown() -> str:
    """``docs/functions.md``: every Excel function with alias, formula, arguments, source."""
    out = [
        "# Excel functions",
        "",
        "Generated from `retention_xl/definitions.py` by `retention-xl functions --format "
        "markdown`; a test fails when this page is stale. Results are fractions (0.6 = 60 %).",
        "Bad cells give Excel errors: `#VALUE!` (text that is not a number, mismatched "
        "shapes), `#NUM!` (impossible values), `#DIV/0!` (zero denominator), `#N/A` (blank).",
        "",
        "| Excel function | German alias | what it computes |",
        "|---|---|---|",
    ]
    out += [
        f"| [`{d.name}`](#{d.name.lower()}) | `{d.alias}` | {d.summary_en} |"
        for d in ALL_DEFINITIONS
    ]
    for d in ALL_DEFINITIONS:
        out += [
            "",
            f"## {d.name}",
            "",
            f"`={d.signature('en')}` — German: `={d.signature('de')}`",
            "",
            f"{d.summary_en} *{d.summary_de}*",
            "",
            f"- Formula: `{d.formula}`",
            f"- Category: {d.category}",
            f"- Source: {d.source}",
            f"- Core function: `retention_xl.{d.function.__name__}`",
            "",
            "| argument | | meaning | Bedeutung |",
            "|---|---|---|---|",
        ]
        for p in d.params:
            need = f"optional, default {p.default!r}" if p.optional else "required"
            if p.aggregated:
                need += ", a range"
            out.append(f"| `{p.name}` | {need} | {p.help_en} | {p.help_de} |")
    return "\n".join(out) + "\n"
