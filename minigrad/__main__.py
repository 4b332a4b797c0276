"""``python -m minigrad train | evaluate | predict``: the command line, which lives in ``minigrad/cli/``."""
import sys

from minigrad.cli import main

if __name__ == "__main__":
    sys.exit(main())
