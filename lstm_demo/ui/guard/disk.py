"""A folder of files kept within a bound: the disk it really takes, its number of files, their age."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path


def disk_bytes(stat: os.stat_result) -> int:
    """What a file or folder takes on disk: its blocks, not its length (a 10-byte file takes a block)."""
    return stat.st_blocks * 512


def trim_cache(folder: Path, max_bytes: int, max_files: int | None = None, max_age: float | None = None) -> int:
    """Remove files under `folder`, oldest first, until none is older than `max_age` seconds (if
    given), at most `max_files` are left (if given), and the files and folders left take at most
    `max_bytes` of disk. Folders left empty go too. Returns how many files went."""
    files, folders = [], {}
    for root, _, names in os.walk(folder):
        if Path(root) != Path(folder):
            try:
                folders[Path(root)] = disk_bytes(os.stat(root))
            except OSError:
                pass
        for name in names:
            path = Path(root) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            files.append((stat.st_mtime, disk_bytes(stat), path))
    total = sum(size for _, size, _ in files) + sum(folders.values())
    count = len(files)
    max_files = math.inf if max_files is None else max_files
    oldest = time.time() - max_age if max_age is not None else -math.inf
    removed = 0
    for mtime, size, path in sorted(files, key=lambda f: f[0]):
        if total <= max_bytes and count <= max_files and mtime >= oldest:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total, count, removed = total - size, count - 1, removed + 1
        try:
            path.parent.rmdir()  # Gradio keeps one file per hashed folder
            total -= folders.pop(path.parent, 0)
        except OSError:
            pass
    return removed
