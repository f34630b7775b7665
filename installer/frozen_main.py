"""Entry script of the frozen app (PyInstaller needs a script file, not ``module:func``).

It only hands over to ``ui.app.main``, the same function the ``subcenter`` console
script runs, so the frozen app and the installed wheel behave alike.
"""

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
