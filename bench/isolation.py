"""Keep a bench away from the user's folders: call before anything imports argostranslate.

argostranslate reads HOME and XDG_* at import time and writes under them; a
bench points them (and, when asked, the packages folder) at a temp folder of
its own.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def isolated_home(prefix: str, packages: str | None = None) -> Path:
    """A new temp folder holding HOME and XDG_*; ``packages`` names ARGOS_PACKAGES_DIR inside it."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    for var in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(tmp / var.lower())
        (tmp / var.lower()).mkdir(parents=True, exist_ok=True)
    if packages:
        os.environ["ARGOS_PACKAGES_DIR"] = str(tmp / packages)
    return tmp
