"""What every extraction stage sees: the article, its parsed text, and what earlier stages found."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc

from extract.layout import Article
from extract.records import Date, Official


@dataclass
class Context:
    """One article on its way to a record.

    `doc` is the spaCy parse of `article.body` (the text with furniture blanked
    out, same length), so token offsets are offsets into the original text.
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
