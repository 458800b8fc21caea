"""The extraction stages as registered spaCy components whose results live on the `Doc`.

Components, in pipeline order (`extract.add_to(nlp)` adds them all, with the project's rulers):

- `extract_layout` assigns `doc._.article` (the `layout.Article`: title, publisher, published, authors,
  furniture, and `report` for an inspection report), `doc._.published`, `doc._.extract_warnings`;
- `extract_dates` requires the article and `doc.ents`; assigns `doc.spans["dates"]`, `span._.date`;
- `extract_officials` requires the article, `doc.ents` and the lexicon spans; assigns
  `doc.spans["officials"]` (an entry per mention), `span._.official`, `span._.mention`;
- `extract_quotes` requires the officials; assigns `doc.spans["quotes"]`, `span._.quote`;
- `extract_findings` requires the article; assigns `doc.spans["findings"]` (an entry per item),
  `span._.finding`, `span._.finding_list`;
- `extract_ratings` requires `doc.ents`, the lexicon spans and the dates; assigns `doc.spans["ratings"]`,
  `span._.rating` (none for an inspection report);
- `extract_report` requires every group above; for an inspection report it puts the report's own elements
  in the groups (its judgement table's ratings, its inspection dates, its inspectors merged with the
  officials, its recommendations), as `core.as_report` does.

A group entry is a `Span` labelled `DATE`, `OFFICIAL`, `QUOTE`, `FINDING` or `RATING`; `span._.element` is
its pydantic element (`records.Date`, `records.Mention` of an `Official`, `Quote`, `FindingItem`,
`Rating`), whatever the group. The span covers exactly the element's characters when they fall on token
boundaries; when they do not ("Roe's" holds the name "Roe" in one token), it is the smallest run of
tokens that covers them, and the exact characters are the element's own `span` and `text`. The record is
built from the `Doc` alone: `record_from_doc(doc, options)`, or `doc._.record`.

The elements sit in `doc._.extract_found` (one list per group); a group entry names its element by its
`span.id_` ("3", or "3.1" for the second mention of the fourth official), because spaCy keeps a span's
custom attributes by its characters, and two elements may share them. A `Doc` holding them cannot be
serialised with `to_bytes` (pydantic values in `user_data`); take `doc._.record` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from extract import core, dates, findings, officials, quotes, ratings
from extract.context import Context, elements
from extract.dates import NO_PUBLISHED_WARNING
from extract.layout import Article
from extract.pipeline import add_rulers
from extract.records import Record

GROUPS = ("dates", "officials", "quotes", "findings", "ratings")
LABELS = {"dates": "DATE", "officials": "OFFICIAL", "quotes": "QUOTE", "findings": "FINDING", "ratings": "RATING"}
_GROUP_OF_LABEL = {label: group for group, label in LABELS.items()}
NESTED = {"officials": "mentions", "findings": "items"}  # groups whose entries are parts of an element


def _index(span: Span) -> tuple[int, ...]:
    return tuple(int(part) for part in span.id_.split("."))


def _outer(group: str) -> Callable[[Span], object]:
    return lambda span: span.doc._.extract_found[group][_index(span)[0]]


def _inner(span: Span):
    i, j = _index(span)
    group = _GROUP_OF_LABEL[span.label_]
    return getattr(span.doc._.extract_found[group][i], NESTED[group])[j]


def _element(span: Span):
    group = _GROUP_OF_LABEL.get(span.label_)
    if group is None or not span.id_:
        return None
    return _inner(span) if group in NESTED else _outer(group)(span)


def _register() -> None:
    for name in ("article", "published", "extract_warnings", "extract_found"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Doc.has_extension("record"):
        Doc.set_extension("record", getter=lambda doc: record_from_doc(doc))
    getters = {"date": _outer("dates"), "official": _outer("officials"), "mention": _inner,
               "quote": _outer("quotes"), "finding_list": _outer("findings"), "finding": _inner,
               "rating": _outer("ratings"), "element": _element}
    for name, getter in getters.items():
        if not Span.has_extension(name):
            Span.set_extension(name, getter=getter)


_register()


def begin(doc: Doc, article: Article, published: str | None = None) -> Doc:
    """Put the article on the doc for the stages: `published` is the date used when the text has none."""
    doc._.article = article
    doc._.published = article.published_value or published
    doc._.extract_warnings = list(article.warnings)
    doc._.extract_found = {group: [] for group in GROUPS}
    for group in GROUPS:
        doc.spans[group] = []
    return doc


def _span(doc: Doc, start: int, end: int, label: str, key: str) -> Span:
    span = doc.char_span(start, end, label=label, span_id=key, alignment_mode="expand")
    if span is None:  # no token touches the characters (an empty element, or one inside whitespace)
        at = next((t.i for t in doc if t.idx >= start), len(doc))
        span = Span(doc, at, at, label=label, span_id=key)
    return span


def write(doc: Doc, group: str, elements: Iterable) -> None:
    """The group's elements on the doc: the list in `doc._.extract_found`, a span per element (or part)."""
    elements = list(elements)
    doc._.extract_found[group] = elements
    label = LABELS[group]
    spans = []
    for i, element in enumerate(elements):
        if group in NESTED:
            for j, part in enumerate(getattr(element, NESTED[group])):
                spans.append(_span(doc, *part.span, label, f"{i}.{j}"))
        else:
            spans.append(_span(doc, *element.span, label, str(i)))
    doc.spans[group] = spans


def context(doc: Doc) -> Context:
    """What a stage reads: the article, the doc and the elements earlier stages put on it."""
    if doc._.article is None:
        raise ValueError("extract: no article on the doc; add the 'extract_layout' component first")
    return Context(article=doc._.article, doc=doc, published=doc._.published, warnings=doc._.extract_warnings)


def _rule_stage(group: str, extract: Callable[[Context], list]) -> Callable[[Doc], Doc]:
    """A stage that writes what one rule function finds to its span group."""
    def stage(doc: Doc) -> Doc:
        write(doc, group, extract(context(doc)))
        return doc

    stage.__name__ = f"{group}_stage"
    return stage


dates_stage = _rule_stage("dates", dates.extract_dates)
officials_stage = _rule_stage("officials", officials.extract_officials)
quotes_stage = _rule_stage("quotes", quotes.extract_quotes)
findings_stage = _rule_stage("findings", findings.extract_findings)


def ratings_stage(doc: Doc) -> Doc:
    """Grade words that are verdicts on a body; none for an inspection report (its own come from its table)."""
    ctx = context(doc)
    write(doc, "ratings", ratings.extract_ratings(ctx) if ctx.article.report is None else [])
    return doc


def report_stage(doc: Doc) -> Doc:
    """An inspection report's own elements in place of the rules' guesses (`core.as_report`)."""
    article = doc._.article
    if article is not None and article.report is not None:
        replaced = core.as_report(article, {group: elements(doc, group) for group in GROUPS})
        for group in GROUPS:
            write(doc, group, replaced[group])
    return doc


STAGES = (dates_stage, officials_stage, quotes_stage, findings_stage, ratings_stage, report_stage)


def run_stages(doc: Doc) -> Doc:
    """Every rule stage in pipeline order, on a doc that `begin` has given its article."""
    for stage in STAGES:
        stage(doc)
    return doc


def record_from_doc(doc: Doc, options: core.Options | None = None) -> Record:
    """The record, from the doc alone: the article on `doc._.article` and the span groups. `options` gives
    the record's `source` (the publication date a text lacks is `extract_layout`'s `published`)."""
    warnings = list(doc._.extract_warnings)
    published = doc._.published
    if published is None and NO_PUBLISHED_WARNING not in warnings:
        warnings.append(NO_PUBLISHED_WARNING)
    return core.assemble(doc._.article, options or core.Options(), published, warnings,
                         **{group: elements(doc, group) for group in GROUPS})


class Layout:
    """`extract_layout`: the article's structure on `doc._.article`, from `doc.text` unless already there (the
    CLI, or `extract.add_to`'s tokenizer, analyses the text before the model sees it)."""

    def __init__(self, published: str | None = None) -> None:
        self.published = published

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.article if doc._.article is not None else core.prepare(doc.text)
        return begin(doc, article, self.published)


class LayoutTokenizer:
    """A tokenizer that reads the page layout first and tokenises the text with its furniture (menus, share
    bars, running headers, ...) blanked to spaces, as the CLI parses it: `doc.text` has the length of the
    text, so every offset is an offset into it, and `doc._.article.text` is the text itself."""

    def __init__(self, inner: Callable[[str], Doc]) -> None:
        self.inner = inner

    def __call__(self, text: str) -> Doc:
        article = core.prepare(text)
        doc = self.inner(article.body)
        doc._.article = article
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def add_to(nlp: Language, patterns: Sequence[Path | str] = (), blank_furniture: bool = True,
           fast: bool = False) -> Language:
    """Make a loaded pipeline (`spacy.load("en_core_web_sm")`) give `extract`'s records: the project's rulers
    and sentence settings (`pipeline.add_rulers`; the parser is disabled, `senter` gives sentences), the
    components after them, and, with `blank_furniture`, the `LayoutTokenizer`, so the model sees the text
    the CLI gives it. `patterns` are extra pattern files (`--patterns`)."""
    add_rulers(nlp, patterns, fast=fast)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    if blank_furniture and not isinstance(nlp.tokenizer, LayoutTokenizer):
        nlp.tokenizer = LayoutTokenizer(nlp.tokenizer)
    return nlp


COMPONENTS = ("extract_layout", "extract_dates", "extract_officials", "extract_quotes", "extract_findings",
              "extract_ratings", "extract_report")


@Language.factory("extract_layout", assigns=["doc._.article", "doc._.published", "doc._.extract_warnings"],
                  default_config={"published": None})
def make_layout(nlp: Language, name: str, published: str | None) -> Layout:
    return Layout(published)


@Language.factory("extract_dates", requires=["doc._.article", "doc.ents"], assigns=["doc.spans", "span._.date"])
def make_dates(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return dates_stage


@Language.factory("extract_officials", requires=["doc._.article", "doc.ents", "doc.spans"],
                  assigns=["doc.spans", "span._.official", "span._.mention"])
def make_officials(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return officials_stage


@Language.factory("extract_quotes", requires=["doc._.article", "span._.official"],
                  assigns=["doc.spans", "span._.quote"])
def make_quotes(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return quotes_stage


@Language.factory("extract_findings", requires=["doc._.article"],
                  assigns=["doc.spans", "span._.finding", "span._.finding_list"])
def make_findings(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return findings_stage


@Language.factory("extract_ratings", requires=["doc._.article", "doc.ents", "doc.spans", "span._.date"],
                  assigns=["doc.spans", "span._.rating"])
def make_ratings(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return ratings_stage


@Language.factory("extract_report", requires=["doc._.article", "span._.date", "span._.official", "span._.quote",
                                              "span._.finding", "span._.rating"], assigns=["doc.spans"])
def make_report(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    return report_stage
