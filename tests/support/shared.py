"""Where the real third-party data lives: ../shared beside the checkout, or $FINCORPUS_SHARED."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """The shared/ folder (it may be absent: callers skip with the reason)."""
    return Path(os.environ.get("FINCORPUS_SHARED") or REPO.parent / "shared")
