"""The evidence page: an article with every extracted span highlighted, its record beside it, linked both ways.

`render_page(record, text)` is a pure function from a record and the text it was made from to one
self-contained HTML page (inline CSS and JavaScript from `models/view/`, a Content-Security-Policy that
allows nothing else, so it works from `file://` and never touches the network). `write_views` runs the
extraction over input files and writes one page per article plus `index.html`, each atomically.

Highlights: every distinct span of the record is one highlight (a rating and its first mention, or an
official's mention that is also a quote's speaker, share one), carrying every kind and field that points at
it. The text is cut at every span boundary and written as plain text runs; a highlight is one `<mark>` while
it nests inside the marks open around it (a date inside a quote), and is continued in a new `<mark>` after a
crossing one closes. Each piece has `data-span="start-end"` (code points into the text), `data-h` (the
highlight's number) and `data-kind`; the record's fields carry `data-h` of the highlights they point at.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from extract import __version__
from extract.records import Record
from extract.resources import models_dir

KINDS = ("rating", "date", "official", "speaker", "quote", "finding", "lead-in", "title", "author", "publisher",
         "published")
EXTRACTOR = f"extract {__version__}"
QUOTE_PREVIEW = 400  # characters of a quote shown in the record panel (the whole quote is in the text)
INDEX_RATINGS = 6  # ratings listed per article in index.html (a long report can have dozens)


@dataclass
class Highlight:
    """One distinct span of the record and everything that points at it."""

    start: int
    end: int
    number: int = 0
    kinds: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @property
    def span(self) -> str:
        return f"{self.start}-{self.end}"


def record_spans(record: Record) -> Iterator[tuple[int, int, str, str, str]]:
    """(start, end, kind, field path, label) of every span in the record, spans of no width left out."""

    def one(span, kind: str, path: str, label: str) -> Iterator[tuple[int, int, str, str, str]]:
        if span is not None and span[1] > span[0]:
            yield span[0], span[1], kind, path, label

    ev = record.evidence
    if ev.title:
        yield from one(ev.title.span, "title", "title", "title")
    if ev.publisher:
        yield from one(ev.publisher.span, "publisher", "publisher", "publisher")
    if ev.published:
        yield from one(ev.published.span, "published", "published", f"published {record.published or ''}")
    for i, author in enumerate(ev.authors):
        yield from one(author.span, "author", f"authors[{i}]", "author")
    for i, r in enumerate(record.ratings):
        label = f"rating: {r.grade}" + (f" — {r.organisation}" if r.organisation else "")
        yield from one(r.span, "rating", f"ratings[{i}]", label)
        for j, m in enumerate(r.mentions):
            yield from one(m.span, "rating", f"ratings[{i}].mentions[{j}]", label)
    for i, d in enumerate(record.dates):
        yield from one(d.span, "date", f"dates[{i}]", f"date: {d.value or 'unresolved'}")
    for i, o in enumerate(record.officials):
        for j, m in enumerate(o.mentions):
            yield from one(m.span, "official", f"officials[{i}].mentions[{j}]", f"official: {o.name}")
    for i, f in enumerate(record.findings):
        yield from one(f.lead_in_span, "lead-in", f"findings[{i}].lead_in", f"lead-in ({f.kind})")
        for j, item in enumerate(f.items):
            yield from one(item.span, "finding", f"findings[{i}].items[{j}]", f"{f.kind} item")
    for i, q in enumerate(record.quotes):
        label = f"quote: {q.speaker or 'unattributed'}"
        yield from one(q.span, "quote", f"quotes[{i}]", label)
        for j, part in enumerate(q.parts):
            yield from one(part.span, "quote", f"quotes[{i}].parts[{j}]", label)
        yield from one(q.speaker_span, "speaker", f"quotes[{i}].speaker", f"speaker: {q.speaker or ''}")


def highlights(record: Record, text_length: int) -> list[Highlight]:
    """The record's distinct spans (within the text), in text order, numbered."""
    by_span: dict[tuple[int, int], Highlight] = {}
    for start, end, kind, path, label in record_spans(record):
        if end > text_length:
            continue
        h = by_span.setdefault((start, end), Highlight(start, end))
        if kind not in h.kinds:
            h.kinds.append(kind)
        h.fields.append(path)
        if label not in h.labels:
            h.labels.append(label)
    out = sorted(by_span.values(), key=lambda h: (h.start, -h.end))
    for n, h in enumerate(out):
        h.number = n
        h.kinds.sort(key=KINDS.index)
    return out


def _open(h: Highlight) -> str:
    return (f'<mark data-h="{h.number}" data-span="{h.span}" data-kind="{" ".join(h.kinds)}" '
            f'data-field="{html.escape(" ".join(h.fields))}" title="{html.escape("; ".join(h.labels))}">')


def render_text(text: str, marks: list[Highlight]) -> str:
    """The text, escaped, with each highlight in `<mark>` pieces (see the module's docstring)."""
    starts: dict[int, list[Highlight]] = {}
    ends: set[int] = set()
    for h in marks:
        starts.setdefault(h.start, []).append(h)
        ends.add(h.end)
    bounds = sorted({0, len(text), *starts, *ends})
    out: list[str] = []
    stack: list[Highlight] = []
    for i, pos in enumerate(bounds):
        reopen: list[Highlight] = []
        ending = [k for k, h in enumerate(stack) if h.end == pos]
        if ending:  # close down to the lowest mark that ends here; the others above it continue after
            for h in reversed(stack[ending[0]:]):
                out.append("</mark>")
                if h.end != pos:
                    reopen.append(h)
            del stack[ending[0]:]
        opening = sorted(reopen + starts.get(pos, []), key=lambda h: (-h.end, h.start, h.number))
        for h in opening:
            out.append(_open(h))
            stack.append(h)
        if i + 1 < len(bounds):
            out.append(html.escape(text[pos:bounds[i + 1]], quote=False))
    out.extend("</mark>" for _ in stack)
    return "".join(out)


# --- the record panel ----------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value)) if value is not None else ""


class _Index:
    """Field path -> the numbers of the highlights it, or anything under it, points at: 'quotes[2]' covers
    'quotes[2].parts[0]' and 'quotes[2].speaker'. Built once, so a record of thousands of fields stays linear."""

    _CUTS = re.compile(r"(?=[.\[])")

    def __init__(self, marks: list[Highlight]) -> None:
        self.under: dict[str, list[int]] = {}
        for h in marks:
            for path in h.fields:
                cuts = [m.start() for m in self._CUTS.finditer(path) if m.start()]
                for prefix in {path, *(path[:cut] for cut in cuts)}:
                    numbers = self.under.setdefault(prefix, [])
                    if h.number not in numbers[-1:]:
                        numbers.append(h.number)

    def attrs(self, path: str) -> str:
        """The attributes of the element showing `path`: focusable and linked when it has highlights."""
        found = self.under.get(path)
        if not found:
            return ' class="field"'
        return f' class="field" tabindex="0" data-h="{" ".join(map(str, dict.fromkeys(found)))}"'


def render_panel(record: Record, marks: list[Highlight]) -> str:
    """The record as a readable panel, each field linked to its highlights."""
    ix = _Index(marks)
    out = [f'<h1{ix.attrs("title")}>{_e(record.title) or "<span class=empty>(no title)</span>"}</h1>']
    meta = []
    if record.publisher:
        meta.append(f'<span{ix.attrs("publisher")}>{_e(record.publisher)}</span>')
    if record.published:
        meta.append(f'<span{ix.attrs("published")}>{_e(record.published)}</span>')
    for i, author in enumerate(record.authors):
        meta.append(f'<span{ix.attrs(f"authors[{i}]")}>{_e(author)}</span>')
    if meta:
        out.append(f'<p class="meta">{"".join(meta)}</p>')

    def rating(i: int, r) -> str:
        return (f'<tr{ix.attrs(f"ratings[{i}]")}><td><span class="grade {r.status}">{_e(r.grade)}</span>'
                f'{" <span class=dim>(previous)</span>" if r.status == "previous" else ""}</td>'
                f"<td>{_e(r.organisation)}</td><td>{_e(r.service)}</td><td>{_e(r.rated_by)}</td>"
                f'<td class="nowrap">{_e(r.date)}</td></tr>')

    def official(i: int, o) -> str:
        name = " ".join(_e(x) for x in (o.honorific, o.name) if x)
        details = ", ".join(_e(x) for x in (*o.roles, o.organisation, o.party) if x)
        count = len(o.mentions)
        return (f'<li{ix.attrs(f"officials[{i}]")}><span class="who">{name}</span>'
                f'{f" <span class=roles>— {details}</span>" if details else ""}'
                f' <span class="dim">({count} mention{"s" if count != 1 else ""})</span></li>')

    def quote(i: int, q) -> str:
        words = q.text if len(q.text) <= QUOTE_PREVIEW else q.text[:QUOTE_PREVIEW].rstrip() + " …"
        speaker = _e(q.speaker) if q.speaker else '<span class="empty">unattributed</span>'
        return (f'<li{ix.attrs(f"quotes[{i}]")}><span class="who">{speaker}</span>'
                f"<blockquote>{_e(words)}</blockquote></li>")

    def finding(i: int, f) -> str:
        source = f' <span class="dim">({_e(f.source)})</span>' if f.source else ""
        lead = (f'<div{ix.attrs(f"findings[{i}].lead_in")}>{_e(f.lead_in)}</div>' if f.lead_in
                else '<div class="empty">(no lead-in)</div>')
        items = "".join(f'<li{ix.attrs(f"findings[{i}].items[{j}]")}>{_e(item.text)}</li>'
                        for j, item in enumerate(f.items))
        return f'<li><span class="kind">{_e(f.kind)}</span>{source}{lead}<ol class="items">{items}</ol></li>'

    def date(i: int, d) -> str:
        value = f"<code>{_e(d.value)}</code>" if d.value else '<span class="empty">unresolved</span>'
        extra = " ".join(x for x in (d.mod or "", "relative" if d.relative else "") if x)
        return (f'<tr{ix.attrs(f"dates[{i}]")}><td>{_e(d.text)}</td><td class="nowrap">{value}</td>'
                f'<td>{_e(d.granularity)}{f" <span class=dim>{_e(extra)}</span>" if extra else ""}</td></tr>')

    out += _section("Ratings", record.ratings, rating, _table("Grade", "Organisation", "Service", "Rated by", "Date"))
    out += _section("Officials", record.officials, official, ('<ul class="cards officials">', "</ul>"))
    out += _section("Quotes", record.quotes, quote, ('<ul class="cards quotes">', "</ul>"))
    out += _section("Findings", record.findings, finding, ('<ul class="cards findings">', "</ul>"))
    out += _section("Dates", record.dates, date, _table("Text", "Value", "Granularity"))

    if record.warnings:
        out.append(_heading("Warnings", len(record.warnings)))
        out.append('<ul class="warnings">' + "".join(f"<li>{_e(w)}</li>" for w in record.warnings) + "</ul>")
    out.append(f'<p class="dim">{_e(record.extractor)} · id <code>{_e(record.id)}</code></p>')
    return "\n".join(out)


def _table(*columns: str) -> tuple[str, str]:
    head = "".join(f"<th>{c}</th>" for c in columns)
    return f'<table class="fields"><thead><tr>{head}</tr></thead><tbody>', "</tbody></table>"


def _section(name: str, elements: list, render: Callable[[int, object], str], wrap: tuple[str, str]) -> list[str]:
    """A field's heading and, when it has elements, each rendered inside `wrap`."""
    if not elements:
        return [_heading(name, 0)]
    return [_heading(name, len(elements)), wrap[0], *(render(i, e) for i, e in enumerate(elements)), wrap[1]]


def _heading(name: str, count: int) -> str:
    empty = "" if count else ' <span class="empty">none</span>'
    return f'<h2>{name} <span class="n">({count})</span>{empty}</h2>'


def _legend(marks: list[Highlight]) -> str:
    counts: dict[str, int] = {}
    for h in marks:
        for kind in h.kinds:
            counts[kind] = counts.get(kind, 0) + 1
    return "".join(f'<mark data-kind="{k}" title="{counts[k]} highlighted span{"s" if counts[k] != 1 else ""}">{k}'
                   f'<span class="n">{counts[k]}</span></mark>' for k in KINDS if k in counts)


# --- pages ---------------------------------------------------------------------------------------


@cache
def _asset(name: str) -> str:
    return (models_dir() / "view" / name).read_text(encoding="utf-8")


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def _csp(css: str, js: str | None) -> str:
    """Nothing from the network, and only this page's own style and script (by hash) run."""
    script = f"script-src {_hash(js)}; " if js is not None else ""
    return f"default-src 'none'; style-src {_hash(css)}; {script}img-src data:; base-uri 'none'; form-action 'none'"


_SLOT = re.compile(r"\{\{(\w+)\}\}")


def _fill(template: str, values: dict[str, str]) -> str:
    """Fill the template's `{{slot}}`s in one pass, so no inserted text is read as a slot."""
    return _SLOT.sub(lambda m: values[m.group(1)], template)


def render_page(record: Record, text: str) -> str:
    """The evidence page of one article: its text with the record's spans highlighted, and the record."""
    marks = highlights(record, len(text))
    css, js = _asset("view.css"), _asset("view.js")
    return _fill(_asset("page.html"), {
        "csp": _e(_csp(css, js)),
        "extractor": _e(record.extractor),
        "title": _e(record.title or record.source),
        "css": css,
        "js": js,
        "source": _e(record.source),
        "legend": _legend(marks),
        "text": render_text(text, marks),
        "panel": render_panel(record, marks),
    })


def render_index(entries: Iterable[tuple[str, Record]]) -> str:
    """`index.html`: each article (page name, record) with its ratings and counts, linked to its page."""
    rows = []
    for name, r in entries:
        ratings = "".join(f'<li><span class="grade {x.status}">{_e(x.grade)}</span> {_e(x.organisation)}</li>'
                          for x in r.ratings[:INDEX_RATINGS])
        if len(r.ratings) > INDEX_RATINGS:
            ratings += f'<li class="dim">and {len(r.ratings) - INDEX_RATINGS} more</li>'
        counts = "".join(f'<td class="n">{len(x)}</td>' for x in (r.officials, r.quotes, r.dates, r.findings))
        rows.append(f'<tr><td><a href="{_e(name)}">{_e(r.title or r.source)}</a>'
                    f'<span class="source">{_e(r.source)}</span></td><td>{_e(r.published)}</td>'
                    f"<td><ul>{ratings}</ul></td>{counts}</tr>")
    css = _asset("view.css")
    return _fill(_asset("index.html"), {
        "csp": _e(_csp(css, None)), "extractor": _e(EXTRACTOR), "css": css,
        "count": str(len(rows)), "rows": "\n".join(rows),
    })


# --- writing pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewSettings:
    """What `extract view` was asked to do."""

    paths: tuple[str, ...]
    output_dir: Path
    published: str | None = None
    model: str | None = None
    patterns: tuple[Path, ...] = ()


def write_views(settings: ViewSettings, report: Callable[[str], None]) -> int:
    """Extract each input and write its page, then `index.html`. A bad input gets one line through `report`
    (`PATH: reason`) and the rest go on. Returns the exit code: 0 when every input gave a page, else 1."""
    from extract.core import Options, extract_record
    from extract.inputs import InputError, display_name, iter_sources, one_line, read_source
    from extract.output import atomic_write, fsync_dir, inside, remove_stale_temps, safe_name
    from extract.pipeline import load_nlp

    out_dir = settings.output_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    failed = False

    def fail(line: str) -> None:
        nonlocal failed
        failed = True
        report(one_line(line))

    sources = list(iter_sources(settings.paths, empty=lambda folder: fail(f"{folder}: no *.txt files in this folder")))
    inputs = {os.path.realpath(s.path) for s in sources if s.path is not None}
    taken = {"index.json"}  # an article called index must not take the index's name
    nlp = None
    written: list[tuple[str, Record]] = []
    for source in sources:
        shown = display_name(source.name)  # a file name's bytes that are not UTF-8 as \xNN, as in `run`'s records
        try:
            decoded = read_source(source)
        except InputError as err:
            fail(f"{shown}: {err}")
            continue
        name = safe_name(shown, taken)[: -len(".json")] + ".html"
        target = inside(out_dir, name)
        if os.path.realpath(target) in inputs:
            fail(f"{shown}: its page {target} would overwrite an input; not written")
            continue
        if nlp is None:
            nlp = load_nlp(settings.model, settings.patterns)
        try:
            record = extract_record(decoded.text, nlp, Options(source=shown, published=settings.published))
            record.warnings[:0] = list(decoded.warnings)
            page = render_page(record, decoded.text)
        except Exception as err:  # one article must not stop the others
            fail(f"{shown}: internal error: {type(err).__name__}: {err}")
            continue
        try:
            atomic_write(target, page)
        except OSError as err:
            fail(f"{shown}: cannot write {name}: {err.strerror or err}")
            continue
        taken.add(name[: -len(".html")] + ".json")
        written.append((name, record))
    index = inside(out_dir, "index.html")
    if os.path.realpath(index) in inputs:
        fail(f"{index}: is one of the inputs; index not written")
    else:
        atomic_write(index, render_index(written))
    fsync_dir(out_dir)
    return 1 if failed else 0
