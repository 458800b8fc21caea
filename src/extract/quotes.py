"""Quoted speech and who said it.

(Skeleton: passages between curly double quotation marks, no speaker.)
"""

from __future__ import annotations

import re

from extract.context import Context
from extract.records import Quote

_QUOTED = re.compile(r"“([^“”]{1,5000})”")


def extract_quotes(ctx: Context) -> list[Quote]:
    body = ctx.article.body
    return [Quote(text=m.group(1), span=(m.start(1), m.end(1))) for m in _QUOTED.finditer(body)]
