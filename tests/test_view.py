"""`extract view`: the evidence page's markup (every span highlighted once over exactly its text, nested and
crossing spans, escaping) and the command (one page per article, index.html, bad inputs, never over an input).
The browser test is tests/test_view_browser.py; the texts here are made up for the tests."""

from __future__ import annotations

import html
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract import Options, extract_record
from extract.cli import main
from extract.output import safe_name
from extract.records import Date, Mention, Official, Quote, Rating, Record
from extract.view import highlights, render_index, render_page, render_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


class MarkedText(HTMLParser):
    """The pieces of each highlight in the article text (`#text`), as a browser's DOM or the file has them:
    data-span -> the text of its <mark> pieces joined in document order, and what the pieces say."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <div id="text"> when > 0
        self.open: list[dict] = []  # the open <mark>s, outermost first
        self.pieces: dict[str, list[dict]] = {}
        self.errors: list[str] = []
        self.scripts = 0
        self.text = []  # all of #text's characters, marks or not

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if self.depth:
            self.depth += 1
            if tag == "mark":
                piece = {"span": attrs.get("data-span"), "h": attrs.get("data-h"), "kind": attrs.get("data-kind"),
                         "field": attrs.get("data-field"), "text": []}
                if any(p["span"] == piece["span"] for p in self.open):
                    self.errors.append(f"mark {piece['span']} inside a mark of the same span")
                self.open.append(piece)
                self.pieces.setdefault(piece["span"], []).append(piece)
            elif tag not in ("br",):
                self.errors.append(f"unexpected <{tag}> in the text")
        elif tag == "div" and attrs.get("id") == "text":
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if tag == "mark":
                self.open.pop()

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            for piece in self.open:
                piece["text"].append(data)

    def spans(self) -> dict[str, str]:
        return {span: "".join("".join(p["text"]) for p in pieces) for span, pieces in self.pieces.items()}


def parse_marks(page: str) -> MarkedText:
    parser = MarkedText()
    parser.feed(page)
    parser.close()
    return parser


def _browser_text(text: str) -> str:
    """Text as an HTML parser hands it over: line breaks normalised to LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def expected_spans(record: dict, text: str) -> dict[str, str]:
    """Every distinct span of a record (as JSON), spans of no width left out: 'start-end' -> its text."""
    found: dict[str, str] = {}

    def walk(obj):
        if isinstance(obj, dict):
            for key, value in obj.items():
                if key in ("span", "lead_in_span", "speaker_span") and isinstance(value, list):
                    start, end = value
                    if end > start:
                        found[f"{start}-{end}"] = _browser_text(text[start:end])
                else:
                    walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)

    walk(record)
    return found


def check_page(page: MarkedText, record: dict, text: str) -> None:
    """Every span of the record highlighted exactly once over exactly its text, and nothing else highlighted."""
    assert not page.errors, page.errors[:5]
    expected = expected_spans(record, text)
    assert set(page.pieces) == set(expected)
    assert page.spans() == expected
    for span, pieces in page.pieces.items():
        assert len({p["h"] for p in pieces}) == 1, f"pieces of {span} belong to different highlights"
    assert "".join(page.text) == _browser_text(text)


def _record(text: str, **fields) -> Record:
    return Record(**{"id": "x", "source": "t.txt", **fields})


# --- the markup ------------------------------------------------------------------------------------


def test_nested_and_crossing_spans_are_each_highlighted_once_over_their_text():
    text = "He said: “We met on 3 May 2019 and the service was inadequate.” Then more.\nEnd."
    quote_start = text.index("We")
    quote_end = text.index("”")
    day = text.index("3 May 2019")
    grade = text.index("inadequate")
    cross = text.index("service was")  # crosses the grade's start and nothing else
    record = _record(
        text,
        quotes=[Quote(text=text[quote_start:quote_end], span=(quote_start, quote_end), speaker="He",
                      speaker_span=(0, 2))],
        dates=[Date(text="3 May 2019", span=(day, day + 10), value="2019-05-03", granularity="day")],
        ratings=[Rating(text="inadequate", span=(grade, grade + 10), grade="inadequate",
                        mentions=[Mention(text="inadequate", span=(grade, grade + 10))])],
        officials=[Official(name="He", mentions=[Mention(text="He", span=(0, 2))]),
                   Official(name="Crossing", mentions=[Mention(text=text[cross:grade + 3], span=(cross, grade + 3))])],
    )
    page = render_page(record, text)
    marks = parse_marks(page)
    check_page(marks, record.model_dump(mode="json"), text)
    # the date, the grade and the crossing span nest inside the quote's one mark; the grade, which the crossing
    # span closes inside of, goes on in a second piece
    assert len(marks.pieces[f"{quote_start}-{quote_end}"]) == 1
    assert len(marks.pieces[f"{day}-{day + 10}"]) == 1
    assert len(marks.pieces[f"{cross}-{grade + 3}"]) == 1
    assert len(marks.pieces[f"{grade}-{grade + 10}"]) == 2
    shared = marks.pieces["0-2"][0]  # an official's mention that is also the speaker: one highlight, two kinds
    assert shared["kind"].split() == ["official", "speaker"]
    assert "quotes[0].speaker" in shared["field"] and "officials[0].mentions[0]" in shared["field"]
    rating = marks.pieces[f"{grade}-{grade + 10}"][0]
    assert rating["field"].split() == ["ratings[0]", "ratings[0].mentions[0]"]


def test_every_piece_is_plain_text_segments_not_characters():
    text = "word " * 40_000  # 200 KB
    dates = [Date(text="word", span=(i, i + 4)) for i in range(0, len(text), 5000)]
    html_text = render_text(text, highlights(_record(text, dates=dates), len(text)))
    assert html_text.count("<mark") == len(dates)
    assert len(html_text) < len(text) + 400 * len(dates)


def test_text_and_record_are_escaped_so_nothing_in_an_article_runs():
    hostile = '<script>alert("x")</script> <img src=x onerror=alert(1)> & </div></mark><!-- "quoted" \' '
    text = f"{hostile}\n\nThe council was rated <b>inadequate</b> on 3 May 2019.\n"
    grade = text.index("inadequate")
    record = _record(
        text, title=hostile, source=hostile,
        ratings=[Rating(text="inadequate", span=(grade, grade + 10), grade="inadequate", organisation=hostile)],
        quotes=[Quote(text=hostile, span=(0, len(hostile)), speaker=hostile)],
    )
    page = render_page(record, text)
    marks = parse_marks(page)
    assert marks.scripts == 1  # the page's own script only
    assert "<script>alert" not in page and "<img" not in page and "<b>" not in page
    check_page(marks, record.model_dump(mode="json"), text)
    index = render_index([("a.html", record)])
    assert "<script" not in index and "<img" not in index


def test_the_page_allows_no_network_and_only_its_own_script():
    record = _record("Some text.")
    page = render_page(record, "Some text.")
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "sha256-" in csp
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


# --- the command -----------------------------------------------------------------------------------


@pytest.fixture
def view(nlp, monkeypatch):
    """`extract view ...` in process, with the session's pipeline."""
    monkeypatch.setattr("extract.pipeline.load_nlp", lambda *args, **kwargs: nlp)

    def run(*args):
        return CliRunner().invoke(main, ["view", *map(str, args)], catch_exceptions=False)

    return run


def test_view_writes_a_page_per_article_and_an_index(view, nlp, tmp_path):
    out = tmp_path / "pages"
    paths = SAMPLES[:3]
    result = view(*paths, "-o", f"{out}/")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.stem + ".html" for p in paths), "index.html"])
    index = (out / "index.html").read_text(encoding="utf-8")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        record = extract_record(text, nlp, Options(source=str(path)))
        page = (out / (path.stem + ".html")).read_text(encoding="utf-8")
        check_page(parse_marks(page), json.loads(record.model_dump_json()), text)
        assert f'href="{path.stem}.html"' in index
        for rating in record.ratings:
            assert rating.grade in index


def test_a_bad_input_is_named_on_one_line_and_the_others_go_on(view, tmp_path):
    out = tmp_path / "out"
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02")
    result = view(tmp_path / "missing.txt", SAMPLES[0], binary, "-o", out)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [f"extract: error: {tmp_path / 'missing.txt'}: no such file",
                     f"extract: error: {binary}: binary file (contains NUL bytes)"]
    assert sorted(p.name for p in out.iterdir()) == sorted([SAMPLES[0].stem + ".html", "index.html"])


def test_a_page_is_never_written_over_an_input_and_nothing_temporary_is_left(view, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = out / "story.html"  # an input that happens to have the page's name
    original = SAMPLES[0].read_text(encoding="utf-8")
    victim.write_text(original, encoding="utf-8")
    other = tmp_path / "index.txt"  # an article called index does not take the index's name
    other.write_text(original, encoding="utf-8")
    result = view(victim, other, "-o", out)
    assert result.exit_code == 1
    assert f"{victim}: its page" in result.stderr and "would overwrite an input" in result.stderr
    assert victim.read_text(encoding="utf-8") == original
    names = sorted(p.name for p in out.iterdir())
    assert re.fullmatch(r"index-[0-9a-f]{8}\.html", names[0]) and names[1:] == ["index.html", "story.html"]
    assert not [n for n in os.listdir(out) if n.endswith(".tmp")]


def test_view_needs_an_output_folder(view, tmp_path):
    result = CliRunner().invoke(main, ["view", str(SAMPLES[0])])
    assert result.exit_code == 2 and "-o" in result.output


def test_a_page_grows_linearly_with_the_number_of_spans():
    """A long report's record (thousands of findings and dates) renders in time linear in its size."""
    import time

    from extract.records import FindingItem, FindingList

    def render(n: int) -> float:
        text = "item word\n" * n
        items = [FindingItem(text="item", span=(10 * i, 10 * i + 4)) for i in range(n)]
        dates = [Date(text="word", span=(10 * i + 5, 10 * i + 9)) for i in range(n)]
        record = _record(text, findings=[FindingList(kind="finding", items=items)], dates=dates)
        began = time.perf_counter()
        page = render_page(record, text)
        elapsed = time.perf_counter() - began
        assert page.count("<mark data-h=") == 2 * n
        return elapsed

    render(200)  # warm up
    small, large = render(2_000), render(8_000)
    assert large < 8 * small + 0.5, (small, large)


def test_a_file_name_that_is_not_utf8_gets_a_page(view, tmp_path):
    raw = os.fsencode(tmp_path) + b"/odd\xff name.txt"
    with open(raw, "wb") as fh:
        fh.write(SAMPLES[0].read_bytes())
    out = tmp_path / "out"
    result = view(os.fsdecode(raw), "-o", out)
    assert result.exit_code == 0, result.output
    page = safe_name(os.fsdecode(raw).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
                     set()).replace(".json", ".html")  # the name `run -o DIR/` gives its record
    assert sorted(p.name for p in out.iterdir()) == ["index.html", page]
    assert "odd\\xff name.txt" in (out / "index.html").read_text(encoding="utf-8")
