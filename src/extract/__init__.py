"""extract: news articles about public-service inspections in, validated JSON records out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Options", "__version__", "extract_record"]

if TYPE_CHECKING:
    from extract.core import Options, extract_record


def __getattr__(name: str) -> Any:
    """`extract.Options` and `extract.extract_record` import spaCy on first use, so a run with nothing
    to do (a cron job over an unchanged folder) starts in a fraction of a second."""
    if name in ("Options", "extract_record"):
        from extract import core

        return getattr(core, name)
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
