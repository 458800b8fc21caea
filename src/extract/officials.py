"""Named officials: name, honorific, roles, organisation, party, and every mention.

(Skeleton: PERSON entities, one official per distinct name.)
"""

from __future__ import annotations

from extract.context import Context
from extract.records import Mention, Official


def extract_officials(ctx: Context) -> list[Official]:
    by_name: dict[str, Official] = {}
    for ent in ctx.doc.ents:
        if ent.label_ == "PERSON":
            official = by_name.setdefault(ent.text, Official(name=ent.text))
            official.mentions.append(Mention(text=ent.text, span=(ent.start_char, ent.end_char)))
    return list(by_name.values())
