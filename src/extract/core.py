"""The core: article text in, validated Record out. No I/O, no clock, no global state.

`extract_record(text, nlp, options)` is the whole of it for one article. Batch
callers split it in two so the spaCy work can go through `nlp.pipe`:
`prepare(text)` finds the layout and the text the model should see, and
`build_record(article, doc, options)` runs the rule stages (`extract.components`) on the parsed doc and
builds the record from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extract import __version__, layout, reports
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
    return reports.read_layout(layout.analyse(text))


def build_record(article: layout.Article, doc: Doc, options: Options = Options()) -> Record:
    """Run the rule stages (the `extract.components`, in pipeline order) on a parsed article and build its
    record from the doc."""
    from extract.components import begin, record_from_doc, run_stages  # they import this module

    begin(doc, article, options.published)
    return record_from_doc(run_stages(doc), options)


def as_report(article: layout.Article, found: dict[str, list]) -> dict[str, list]:
    """An inspection report's own elements in place of the rules' guesses: its verdicts come from its
    judgement table and the sentences that state them, never from grade words in its prose."""
    report = article.report
    if report is None:
        return found
    return {**found, "ratings": list(report.ratings), "dates": report.dates(found["dates"]),
            "officials": report.officials(found["officials"]),
            "findings": report.findings(found["findings"], article.text)}


def assemble(article: layout.Article, options: Options, published: str | None, warnings: list[str],
            **found: list) -> Record:
    """The record: the header fields of the whole article and what the stages found."""
    return Record(
        id=text_id(article.text),
        source=options.source,
        title=" ".join(article.title.text.split()) if article.title else None,
        publisher=article.publisher.text if article.publisher else None,
        published=published,
        authors=[a.text for a in article.authors],
        warnings=warnings,
        evidence=Evidence(
            title=article.title, publisher=article.publisher, published=article.published, authors=article.authors
        ),
        extractor=EXTRACTOR,
        **found,
    )


def extract_record(text: str, nlp: Language, options: Options = Options()) -> Record:
    """Extract one article's record."""
    article = prepare(text)
    if len(article.body) > SECTION_CHARS:
        return build_in_sections(article, nlp, options)
    return build_record(article, next(parse(nlp, [article.body])), options)


SECTION_CHARS = 200_000  # a text longer than this is extracted section by section, so memory stays bounded


def build_in_sections(article: layout.Article, nlp: Language, options: Options = Options()) -> Record:
    """A very long text (a book-length report, a concatenated dump) extracted in sections cut at paragraph
    breaks, each parsed and run through the rules alone, its spans moved back into the whole text, and the
    records merged: one person's mentions and roles across sections become one official. What needs two
    sections at once (a short form whose full name stands in an earlier section) is not linked."""
    published = article.published_value or options.published
    merged: Record | None = None
    offset = 0
    for piece in pieces(article.body, SECTION_CHARS):
        end = offset + len(piece)
        section = layout.Article(text=article.text[offset:end], body=piece, furniture=[])
        doc = next(parse(nlp, [piece]))
        record = build_record(section, doc, Options(source=options.source, published=published))
        del doc
        shifted = Record.model_validate(_shift_spans(record.model_dump(mode="json"), offset))
        merged = shifted if merged is None else _merge(merged, shifted)
        offset = end
    warnings = list(dict.fromkeys(article.warnings + (merged.warnings if merged else [])))
    fields = ("ratings", "dates", "officials", "findings", "quotes")
    found = {key: getattr(merged, key) if merged else [] for key in fields}
    return assemble(article, options, published, warnings, **as_report(article, found))


def _shift_spans(obj, offset: int):
    """Every span in a dumped record, moved by `offset` characters."""
    if isinstance(obj, dict):
        return {k: ([v[0] + offset, v[1] + offset] if k.endswith("span") and isinstance(v, list) else
                    _shift_spans(v, offset)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_shift_spans(v, offset) for v in obj]
    return obj


def _merge(first: Record, second: Record) -> Record:
    officials = {o.name: o for o in first.officials}
    for o in second.officials:
        kept = officials.get(o.name)
        if kept is None:
            officials[o.name] = o
            continue
        officials[o.name] = kept.model_copy(update={
            "roles": list(dict.fromkeys(kept.roles + o.roles)), "mentions": kept.mentions + o.mentions,
            "honorific": kept.honorific or o.honorific, "organisation": kept.organisation or o.organisation,
            "party": kept.party or o.party,
        })
    seen = {(r.grade, r.organisation, r.service, r.status, r.date) for r in first.ratings}
    ratings = first.ratings + [r for r in second.ratings if (r.grade, r.organisation, r.service, r.status, r.date)
                               not in seen]
    return first.model_copy(update={
        "officials": list(officials.values()), "ratings": ratings, "dates": first.dates + second.dates,
        "findings": first.findings + second.findings, "quotes": first.quotes + second.quotes,
        "warnings": list(dict.fromkeys(first.warnings + second.warnings)),
    })


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
