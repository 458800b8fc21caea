"""The extraction stages as spaCy components: a spaCy user's own pipeline gives the CLI's records, every
element of a record stands in its span group over its own characters, and the factories are found through
the `spacy_factories` entry point. Texts here are invented."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest
import spacy
from spacy.tokens import Doc

import extract
from extract import Options, extract_record
from extract.components import COMPONENTS, GROUPS, LABELS, begin, record_from_doc, write
from extract.core import prepare
from extract.records import Date, Rating
from extract.resources import default_model

from .conftest import SAMPLES, SHARED
from .test_reports import NEWER

DEV = sorted((SHARED / "corpus" / "dev").glob("*.txt"))

ARTICLE = """Northby council's children's services rated inadequate
Published: 12 March 2024

Children's services at Northby Council have been rated inadequate by Ofsted after an inspection in
January.

The council's chief executive, Jane Roe, said: "We accept the findings in full and we are sorry."

Inspectors found:

- Too many children waited too long for help.
- Managers did not check plans often enough.

Ms Roe said the council would publish an improvement plan next month.
"""


@pytest.fixture(scope="module")
def user_nlp():
    """What a spaCy user writes: the stock model, then `extract.add_to`."""
    return extract.add_to(spacy.load(default_model()))


def _same(cli, user) -> None:
    a, b = cli.model_dump(mode="json"), user.model_dump(mode="json")
    assert [k for k in a if a[k] != b[k]] == []


@pytest.mark.skipif(not DEV, reason="no dev set in ../shared")
@pytest.mark.parametrize("path", DEV, ids=lambda p: p.name)
def test_user_pipeline_gives_the_cli_records_on_the_dev_set(nlp, user_nlp, path):
    text = path.read_text(encoding="utf-8")
    options = Options(source=str(path))
    _same(extract_record(text, nlp, options), record_from_doc(user_nlp(text), options))


def test_user_pipeline_gives_the_cli_records_on_the_samples(nlp, user_nlp):
    paths = sorted(SAMPLES.glob("*.txt"))
    assert paths
    texts = [p.read_text(encoding="utf-8") for p in paths]
    for path, text, doc in zip(paths, texts, user_nlp.pipe(texts), strict=True):
        _same(extract_record(text, nlp, Options(source=path.name)), record_from_doc(doc, Options(source=path.name)))


def test_user_pipeline_on_an_inspection_report_has_its_judgement_table_in_the_ratings_group(nlp, user_nlp):
    doc = user_nlp(NEWER)
    record = extract_record(NEWER, nlp)
    _same(record, doc._.record)
    assert doc._.article.report is not None
    assert [s._.rating for s in doc.spans["ratings"]] == record.ratings
    assert {r.grade for r in record.ratings} >= {"good", "outstanding"}


def test_every_element_stands_in_its_group_over_its_own_characters(nlp):
    article = prepare(ARTICLE)
    doc = next(extract.core.parse(nlp, [article.body]))
    record = extract.core.build_record(article, doc, Options(source="a.txt"))
    assert record.ratings and record.dates and record.officials and record.quotes and record.findings
    assert record_from_doc(doc, Options(source="a.txt")) == record
    expected = {
        "dates": record.dates, "ratings": record.ratings, "quotes": record.quotes,
        "officials": [m for o in record.officials for m in o.mentions],
        "findings": [i for f in record.findings for i in f.items],
    }
    for group in GROUPS:
        spans = list(doc.spans[group])
        assert [s._.element for s in spans] == expected[group]
        for span, element in zip(spans, expected[group], strict=True):
            assert span.label_ == LABELS[group]
            assert (span.start_char, span.end_char) == tuple(element.span)
            assert span.text == element.text == ARTICLE[element.span[0]:element.span[1]]
    official = record.officials[0]
    assert {s._.official.name for s in doc.spans["officials"]} == {official.name}
    assert [s._.mention for s in doc.spans["officials"]] == official.mentions
    assert doc.spans["findings"][0]._.finding_list == record.findings[0]
    assert doc.spans["quotes"][0]._.quote.speaker == official.name


def test_an_element_inside_a_token_keeps_its_exact_characters():
    doc = spacy.blank("en")("The council's plan.")
    begin(doc, prepare(doc.text))
    inside = Date(text="council", span=(4, 11))  # a whole token
    write(doc, "dates", [inside, Date(text="he", span=(1, 3))])
    first, second = doc.spans["dates"]
    assert first._.date is inside and second._.date.text == "he"
    assert second.text == "The" and second._.date.span == (1, 3)  # the covering token; exact chars on the element
    assert record_from_doc(doc).dates == [inside, Date(text="he", span=(1, 3))]


def test_two_elements_over_the_same_characters_stay_two():
    doc = spacy.blank("en")("It was judged inadequate.")
    begin(doc, prepare(doc.text))
    current = Rating(text="inadequate", span=(14, 24), grade="inadequate")
    previous = current.model_copy(update={"status": "previous"})
    write(doc, "ratings", [current, previous])
    assert [s._.rating.status for s in doc.spans["ratings"]] == ["current", "previous"]
    assert record_from_doc(doc).ratings == [current, previous]


def test_components_declare_their_order_and_analyze_pipes_finds_no_problem(user_nlp):
    names = [n for n in user_nlp.pipe_names if n in COMPONENTS]
    assert names == list(COMPONENTS)
    problems = user_nlp.analyze_pipes()["problems"]
    assert all(not problems[name] for name in COMPONENTS)
    quotes_meta = user_nlp.get_pipe_meta("extract_quotes")
    assert "span._.official" in quotes_meta.requires
    assert "span._.official" in user_nlp.get_pipe_meta("extract_officials").assigns


def test_factories_are_found_through_the_entry_point_without_importing_extract():
    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert set(COMPONENTS) <= names
    code = (
        "import sys, spacy\n"
        "assert 'extract' not in sys.modules\n"  # spaCy itself loads the entry points as it makes a pipeline
        "nlp = spacy.blank('en')\n"
        "for name in ('extract_layout', 'extract_dates', 'extract_findings'):\n"
        "    nlp.add_pipe(name)\n"
        "doc = nlp('Published: 3 March 2021\\n\\nThe board met on 2 March 2021 and agreed:\\n\\n- one\\n- two\\n')\n"
        "print([s._.date.value for s in doc.spans['dates']], len(doc.spans['findings']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['2021-03-03', '2021-03-02'] 2"


def test_layout_component_on_raw_text_reads_the_article_itself():
    nlp = spacy.blank("en")
    nlp.add_pipe("extract_layout", config={"published": "2024-03-12"})
    nlp.add_pipe("extract_dates")
    doc = nlp("The panel met on Monday.")  # a blank pipeline has no tags: the tense is read as past
    assert doc._.article.text == doc.text
    assert doc._.published == "2024-03-12"
    assert [s._.date.value for s in doc.spans["dates"]] == ["2024-03-11"]


def test_a_stage_without_the_layout_component_says_what_is_missing():
    nlp = spacy.blank("en")
    nlp.add_pipe("extract_dates")
    with pytest.raises(ValueError, match="extract_layout"):
        nlp("On 3 March 2021.")


def test_shared_memos_are_doc_extensions_computed_once(nlp):
    from extract.ratings.cues import ents_in

    doc: Doc = nlp("Ofsted rated Northby Council inadequate in March.")
    ents_in(doc, 0, 3)
    index = doc._.extract_ents
    assert index is not None and list(index[0]) == list(doc.ents)
    ents_in(doc, 2, 5)
    assert doc._.extract_ents is index  # the second call reuses it (spaCy builds `doc.ents` anew each time)
