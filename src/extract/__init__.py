"""extract: news articles about public-service inspections in, validated JSON records out."""

__version__ = "0.1.0"

from extract.core import Options, extract_record

__all__ = ["Options", "__version__", "extract_record"]
