"""'Did you mean …?' for codes the user mistyped."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(value: str, choices: Iterable[str], *, limit: int = 3) -> str:
    """A short hint naming the closest valid choices, or listing a few valid ones when nothing is close."""
    choices = list(choices)
    close = difflib.get_close_matches(value, choices, n=limit, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    shown = ", ".join(choices[:12]) + (" …" if len(choices) > 12 else "")
    return f"valid: {shown}" if choices else "none defined"
