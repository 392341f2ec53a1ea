#!/usr/bin/env python
"""Same as the ``trygg`` console script."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from trygg.cli import main

if __name__ == "__main__":
    main()
