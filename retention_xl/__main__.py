"""``python -m retention_xl``: the same as the ``retention-xl`` command."""

from .cli import main

raise SystemExit(main())
