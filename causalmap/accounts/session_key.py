"""The key that signs web sessions: never in the repository, the same for every worker and
across restarts, so signing in survives both.

CAUSALMAP_SECRET_KEY when set; otherwise generated once into CAUSALMAP_DATA_DIR/secret_key,
created owner-only (0600) and exclusively, so two workers starting together agree on it.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from causalmap.config import Settings

__all__ = ["session_secret", "secret_key_file"]


def secret_key_file(settings: Settings) -> Path:
    return settings.data_dir / "secret_key"


def session_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = secret_key_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return _read(path)


def _read(path: Path) -> str:
    for _ in range(40):  # another worker may have created the file and not yet written it
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        time.sleep(0.05)
    raise RuntimeError(f"{path} holds no usable key; delete it (signing everyone out) and start again")
