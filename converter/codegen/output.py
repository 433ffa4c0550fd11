"""A generated tree on disk: written (removing the files a previous run wrote and this one does not), or
compared with what is there (`--check`) as a unified diff."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

from converter.codegen.project import MANIFEST

__all__ = ["diff_tree", "write_tree"]


def _previous(directory: Path) -> list[str]:
    try:
        text = (directory / MANIFEST).read_text("utf-8")
    except OSError:
        return []
    names = []
    for line in text.splitlines():
        name = line.strip()
        # Only plain relative paths inside the directory: the manifest is on disk and could have been edited.
        if name and not name.startswith(("/", "\\")) and ".." not in Path(name).parts:
            names.append(name)
    return names


def write_tree(files: Mapping[str, str], directory: Path) -> tuple[int, int]:
    """Write `files` under `directory` (only files whose content changed are rewritten) and delete the files
    the previous run's manifest lists that are no longer generated. Returns (written, deleted)."""
    previous = _previous(directory)  # before this run's manifest replaces it
    written = 0
    for name, text in files.items():
        path = directory / name
        data = text.encode("utf-8")
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".oa2mcp-tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        written += 1
    deleted = 0
    for name in previous:
        if name not in files:
            path = directory / name
            if path.is_file():
                path.unlink()
                deleted += 1
    return written, deleted


def diff_tree(files: Mapping[str, str], directory: Path) -> str:
    """A unified diff from what is in `directory` to what would be generated ("" when current)."""
    chunks: list[str] = []
    names = sorted(set(files) | {name for name in _previous(directory) if name not in files})
    for name in names:
        path = directory / name
        try:
            old = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            old = None
        new = files.get(name)
        if old == new:
            continue
        chunks.extend(
            difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"a/{name}" if old is not None else "/dev/null",
                tofile=f"b/{name}" if new is not None else "/dev/null",
            )
        )
        if chunks and not chunks[-1].endswith("\n"):
            chunks.append("\n\\ No newline at end of file\n")
    return "".join(chunks)
