"""The tool table as `oa2mcp serve`'s cache and generated servers store it (no imports: cheap to load)."""

from __future__ import annotations

from typing import Any

__all__ = ["relink_table"]


def relink_table(listing: list[dict[str, Any]], table: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Give each table entry the schemas of its tools/list entry (they are stored once, in the listing).

    Raises:
        KeyError: a listed tool has no table entry.
    """
    for entry in listing:
        row = table[entry["name"]]
        row["inputSchema"] = entry["inputSchema"]
        row["outputSchema"] = entry.get("outputSchema")
    return table
