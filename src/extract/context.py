"""What every extraction stage sees: the article, its parsed text, and what earlier stages found.

A `Context` is a read view of a `Doc`, made afresh for each stage by `components.context(doc)`: the article
is `doc._.article`, the dates and officials are the elements of `doc.spans["dates"]` and
`doc.spans["officials"]`, and `warnings` is the list `doc._.extract_warnings` itself, so a stage's warning
lands on the Doc. The stages return their elements; the components write them to the Doc.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    dates: list[Date] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.text
