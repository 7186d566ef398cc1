"""Writing files that hold case data: owner-only (0600), whatever the umask.

Exports, backups, reports and the local database's own files carry a child's case in the
clear; another local user must not read them. Every path that writes such a file uses
`write_private`, so the rule lives in one place.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` with mode 0600, replacing it atomically; returns the path.

    The bytes go to a temporary file in the same directory, created 0600 from the start (no
    moment at which it is readable by others), which then replaces `path`. An existing file's
    wider mode is not kept. A target that is not a regular file (a device such as /dev/null, a
    pipe) is written into, never replaced: as root, a rename would swap /dev/null for a file."""
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "wb") as handle:
            handle.write(data)
        return path
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        os.fchmod(fd, PRIVATE_FILE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_private_text(path: Path, text: str) -> Path:
    """`write_private` for text, as UTF-8."""
    return write_private(path, text.encode("utf-8"))
