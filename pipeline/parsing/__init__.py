"""Raw wire bytes → :class:`~pipeline.Story`. One module per format, one registry."""

from ._common import parse_dateline
from ._registry import FORMATS, detect_format, parse_raw

__all__ = ["FORMATS", "detect_format", "parse_raw", "parse_dateline"]
