"""extract: news articles about public-service inspections in, validated JSON records out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Options", "__version__", "add_to", "extract_record", "record_from_doc"]

if TYPE_CHECKING:
    from extract.components import add_to, record_from_doc
    from extract.core import Options, extract_record


def __getattr__(name: str) -> Any:
    """`extract.Options`, `extract.extract_record`, `extract.add_to` and `extract.record_from_doc` import spaCy
    on first use, so a run with nothing to do (a cron job over an unchanged folder) starts in a fraction of a second."""
    if name in ("Options", "extract_record"):
        from extract import core

        return getattr(core, name)
    if name in ("add_to", "record_from_doc"):
        from extract import components

        return getattr(components, name)
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
