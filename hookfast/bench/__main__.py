"""``python -m hookfast.bench``: the same as the ``hookfast-bench`` console script."""

from __future__ import annotations

import sys

from hookfast.bench.cli import main

if __name__ == "__main__":
    sys.exit(main())
