"""Writing a file so that a reader sees the old one or the new one, never half of either.

Standard library only: the release build, the preview and the builders all write through it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def temporary_beside(path: Path) -> Path:
    """A fresh hidden name in ``path``'s folder: ``os.replace`` from it to ``path`` is atomic,
    as both sit on one file system, and no two processes pick the same one."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def write_atomically(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` in one step (text is written as UTF-8)."""
    temporary = temporary_beside(path)
    try:
        temporary.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
