"""``python -m freecalc``: the same as the ``freecalc`` command (see :mod:`freecalc.cli`)."""
import sys

from freecalc.cli import main

if __name__ == "__main__":
    sys.exit(main())
