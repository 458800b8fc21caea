"""Bulleted and numbered lists, their lead-in, and what kind of list each is.

(Skeleton: lines starting with '•'.)
"""

from __future__ import annotations

import re

from extract.context import Context
from extract.records import FindingItem, FindingList

_BULLET = re.compile(r"^[ \t]*•[ \t]*(.+?)[ \t]*$", re.M)


def extract_findings(ctx: Context) -> list[FindingList]:
    items = [FindingItem(text=m.group(1), span=(m.start(1), m.end(1))) for m in _BULLET.finditer(ctx.article.body)]
    return [FindingList(kind="other", items=items)] if items else []
