"""Which index segments to merge together, in tiers (see merge.py): a plan only, no Whoosh here."""

from __future__ import annotations

import math

MERGE_FANOUT = 8  # segments of one tier merged together
MERGE_MAX_DOCS = 5000  # merge_small never makes a segment larger than this (optimize does)


def _tier(doc_count: int) -> int:
    return int(math.log10(max(doc_count, 1)))


def plan_small(segments: list, *, fanout: int = MERGE_FANOUT, max_docs: int = MERGE_MAX_DOCS) -> list:
    """The segments one merge should combine (empty: nothing to do): the smallest tier holding `fanout`
    segments whose merge stays within `max_docs` documents."""
    tiers: dict[int, list] = {}
    for segment in segments:
        tiers.setdefault(_tier(segment.doc_count_all()), []).append(segment)
    for tier in sorted(tiers):
        group = sorted(tiers[tier], key=lambda s: s.doc_count_all())
        if len(group) < fanout:
            continue
        chosen, total = [], 0
        for segment in group:
            if total + segment.doc_count_all() > max_docs:
                break
            chosen.append(segment)
            total += segment.doc_count_all()
        if len(chosen) >= 2 and (len(chosen) >= fanout or total >= max_docs // 2):
            return chosen
    return []
