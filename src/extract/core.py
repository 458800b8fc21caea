"""The core: article text in, validated Record out. No I/O, no clock, no global state.

`extract_record(text, nlp, options)` is the whole of it for one article. Batch
callers split it in two so the spaCy work can go through `nlp.pipe`:
`prepare(text)` finds the layout and the text the model should see, and
`build_record(article, doc, options)` runs the rule stages on the parsed doc.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extract import __version__, dates, findings, layout, officials, quotes, ratings
from extract.context import Context
from extract.dates import NO_PUBLISHED_WARNING
from extract.records import Evidence, Record

EXTRACTOR = f"extract {__version__}"


@dataclass(frozen=True)
class Options:
    """Per-run settings. `published` (ISO date) is used when the text has no dateline."""

    source: str = "-"
    published: str | None = None


def text_id(text: str) -> str:
    """Stable id of an article: the same text always gets the same id."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def prepare(text: str) -> layout.Article:
    """The article's structure; `article.body` is what the spaCy pipeline should parse."""
    return layout.analyse(text)


def build_record(article: layout.Article, doc: Doc, options: Options = Options()) -> Record:
    """Run the rule stages on a parsed article and assemble its record."""
    published = article.published_value or options.published
    ctx = Context(article=article, doc=doc, published=published, warnings=list(article.warnings))
    ctx.dates = dates.extract_dates(ctx)
    ctx.officials = officials.extract_officials(ctx)
    found_quotes = quotes.extract_quotes(ctx)
    found_findings = findings.extract_findings(ctx)
    found_ratings = ratings.extract_ratings(ctx)
    if published is None and NO_PUBLISHED_WARNING not in ctx.warnings:
        ctx.warnings.append(NO_PUBLISHED_WARNING)
    return Record(
        id=text_id(article.text),
        source=options.source,
        title=article.title.text if article.title else None,
        publisher=article.publisher.text if article.publisher else None,
        published=published,
        authors=[a.text for a in article.authors],
        ratings=found_ratings,
        dates=ctx.dates,
        officials=ctx.officials,
        findings=found_findings,
        quotes=found_quotes,
        warnings=ctx.warnings,
        evidence=Evidence(
            title=article.title, publisher=article.publisher, published=article.published, authors=article.authors
        ),
        extractor=EXTRACTOR,
    )


def extract_record(text: str, nlp: Language, options: Options = Options()) -> Record:
    """Extract one article's record."""
    article = prepare(text)
    return build_record(article, next(parse(nlp, [article.body])), options)


PIECE_CHARS = 20_000  # what the model sees at once: its working memory grows with the text it is given


def pieces(body: str, size: int = PIECE_CHARS) -> list[str]:
    """The body cut into consecutive pieces of at most about `size` characters, at paragraph breaks
    where it can, else at line breaks or spaces, so the model's memory stays bounded on long inputs."""
    if len(body) <= size:
        return [body]
    out, start = [], 0
    while len(body) - start > size:
        window = body[start : start + size]
        cut = next((at for at in (window.rfind("\n\n"), window.rfind("\n"), window.rfind(" ")) if at > size // 4), -1)
        end = start + (cut + 1 if cut >= 0 else size)
        out.append(body[start:end])
        start = end
    out.append(body[start:])
    return out


def parse(nlp: Language, bodies: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """`nlp.pipe` over article bodies, in order. A long body is parsed piece by piece, one piece at a time,
    and joined back into one Doc with the same text, so every offset still points into the article."""
    waiting: list[str] = []
    for body in bodies:
        parts = pieces(body)
        if len(parts) == 1:
            waiting.append(body)
            continue
        if waiting:
            yield from nlp.pipe(waiting, batch_size=batch_size)
            waiting = []
        parsed = []
        for doc in nlp.pipe(parts, batch_size=1):
            doc.tensor = doc.tensor[:0]  # the rules never read it; joined, it would cost 400 bytes a token
            parsed.append(doc)
        yield Doc.from_docs(parsed, ensure_whitespace=False)
    if waiting:
        yield from nlp.pipe(waiting, batch_size=batch_size)
