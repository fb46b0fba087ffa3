"""Exceptions of retention_xl; this module imports nothing from the package.

::

    ValueError
     └── InputError      invalid argument values (names the argument, the rule and the value)
          └── DataError  a file or table that cannot be read (names file, line, column, value)
    RuntimeError
     └── TemplateError   a workbook that cannot be written or is not a valid template
"""

from __future__ import annotations

__all__ = ["DataError", "InputError", "TemplateError"]


class InputError(ValueError):
    """An argument holds a value the function cannot accept.

    The message names the argument, the rule it breaks and the offending value, and says
    what to do instead.
    """


class DataError(InputError):
    """A data file or table cannot be read; the message names file, line, column and value."""


class TemplateError(RuntimeError):
    """A workbook cannot be generated, written or used as a template."""
