"""What every extraction stage sees: the article, its parsed text, and what earlier stages found.

A `Context` is a read view of a `Doc`, made afresh for each stage by `components.context(doc)`: the article
is `doc._.article`, the dates and officials are the elements of `doc.spans["dates"]` and
`doc.spans["officials"]` (read when a stage first asks), and `warnings` is the list
`doc._.extract_warnings` itself, so a stage's warning lands on the Doc. The stages return their elements;
the components write them to the Doc.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from spacy.tokens import Doc

from extract.layout import Article
from extract.records import Date, Official


@dataclass
class Context:
    """One article on its way to a record.

    `doc` is the spaCy parse of `article.body` (the text with furniture blanked
    out, same length), so token offsets are offsets into the original text; a spaCy user's doc without
    `components.LayoutTokenizer` is the parse of the text itself, which has the same length too.
    """

    article: Article
    doc: Doc
    published: str | None
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def dates(self) -> list[Date]:
        return elements(self.doc, "dates")

    @cached_property
    def officials(self) -> list[Official]:
        return elements(self.doc, "officials")

    @property
    def text(self) -> str:
        return self.article.text


def elements(doc: Doc, group: str) -> list:
    """The elements of span group `group` in the order of its spans, each once (a group entry names its
    element in `doc._.extract_found[group]` by `span.id_`: "3", or "3.1" for a part of the fourth)."""
    found = doc._.extract_found if doc.has_extension("extract_found") else None
    listed = (found or {}).get(group, [])
    out, seen = [], set()
    for span in doc.spans.get(group, []):
        i = int(span.id_.partition(".")[0])
        if i not in seen:
            seen.add(i)
            out.append(listed[i])
    return out
