""" "Did you mean …?" for a mistyped name: shared by the config checks and the runtime's search tools."""

from __future__ import annotations

import difflib
from collections.abc import Collection

__all__ = ["did_you_mean"]


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or "" when none is close."""
    pool = sorted(choices)
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {choice.lower(): choice for choice in pool}
        close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return f" (did you mean '{close[0]}'?)" if close else ""
