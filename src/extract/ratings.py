"""Verdicts given to named bodies.

(Skeleton: no ratings yet.)
"""

from __future__ import annotations

from extract.context import Context
from extract.records import Rating


def extract_ratings(ctx: Context) -> list[Rating]:
    return []
