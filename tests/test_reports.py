"""Inspection reports: the layouts `pdftotext -layout` gives Ofsted's reports, on texts written for these
tests (invented authorities and inspectors), and the shared scorer on a fixed share of the real reports."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extract import Options, extract_record
from extract.core import prepare
from extract.reports import read_report
from extract.reports.front import date_range, read_front
from extract.reports.profile import detect

from .conftest import ROOT, SAMPLES, SHARED

REPORTS = SHARED / "corpus" / "reports" / "ofsted" / "txt"
GOLD = SHARED / "gold" / "reports"
SCORER = SHARED / "tools" / "score_reports.py"
FLOORS = json.loads((ROOT / "tests" / "accuracy_floor.json").read_text(encoding="utf-8"))

NEWER = """Inspection of Northby local authority
children’s services
Inspection dates: 3 to 14 March 2025

Lead inspector: Alex Marlow, His Majesty’s Inspector


 Judgement                                   Grade

 The impact of leaders on social work        Requires improvement to be good
 practice with children and families

 The experiences and progress of             Good
 children who need help and protection

 The experiences and progress of children in care
                                             Outstanding
 and care leavers
                                             Requires improvement to be good
 Overall effectiveness

Children in Northby are helped well. Since the last inspection in 2021, when the local
authority was judged inadequate, leaders have improved services. The council’s one
children’s home was judged good at its most recent inspection.
What needs to improve?1
◼ The quality of plans for children in need, so that they are clear about what needs
  to change.

◼ The timeliness of health assessments for children in care.

1
  This is a footnote that the layout prints at the foot of the page.

                                                                                  1
""" + "".join(
    f"Inspection of Northby local authority children’s services\n3 to 14 March 2025{' ' * 60}{page}\n"
    + ("The experiences and progress of children who need help and protection: good\n" if page == 2 else "")
    + "".join(f"{page}{n}.    Practice is consistently good. Social workers know children and their\n"
              "       families well and visit them often.\n\n" for n in range(8))
    for page in (2, 3, 4)
)

OLDER = """Eastwick Council
Inspection of services for children in need of help and
protection, children looked after and care leavers
and
Review of the effectiveness of the Local Safeguarding Children
Board1
Inspection date: 2 June 2014 – 25 June 2014
Report published: 8 August 2014

Children’s services in Eastwick require improvement to be
good
                                                       Requires
1. Children who need help and protection               improvement to be
                                                       good

2. Children looked after and achieving
                                                       Inadequate
   permanence

        2.1 Adoption performance                       Not Judged



1
  Ofsted produces this report under its power to combine reports.

                                                                              1
        2.2 Experiences and progress of care leavers   Good

3. Leadership, management and governance               Requires improvement

Executive summary
Services have not improved enough since the last inspection.

Recommendations
1.     Ensure that every child in care has an up-to-date plan that is reviewed
       on time.

2.     Improve the recording of management decisions.

The Local Safeguarding Children Board (LSCB)

The Local Safeguarding Children Board is good

Lead inspector:                   Sam Okafor
Deputy lead inspector:            Jo Brennan
"""


def _ratings(text: str) -> dict[str, tuple[str, str]]:
    report = read_report(text)
    assert report is not None
    return {r.service: (r.grade, r.status) for r in report.ratings if r.status == "current"}


def test_newer_layout_table_with_a_grade_on_a_wrapped_label_and_a_grade_above_its_row():
    assert _ratings(NEWER) == {
        "The impact of leaders on social work practice with children and families": ("requires improvement", "current"),
        "The experiences and progress of children who need help and protection": ("good", "current"),
        "The experiences and progress of children in care and care leavers": ("outstanding", "current"),
        "Overall effectiveness": ("requires improvement", "current"),
    }


def test_older_layout_sentence_split_cells_page_break_and_board():
    ratings = _ratings(OLDER)
    assert ratings == {
        "children’s services": ("requires improvement", "current"),
        "Children who need help and protection": ("requires improvement", "current"),
        "Children looked after and achieving permanence": ("inadequate", "current"),
        "Experiences and progress of care leavers": ("good", "current"),
        "Leadership, management and governance": ("requires improvement", "current"),
        "Local Safeguarding Children Board": ("good", "current"),
    }  # "Not Judged" gives no rating


def test_every_rating_is_the_authoritys_from_the_inspectorate_with_its_words_as_evidence():
    for text, authority, date in ((NEWER, "Northby", "2025-03-14"), (OLDER, "Eastwick Council", "2014-08-08")):
        for rating in read_report(text).ratings:
            assert text[rating.span[0]:rating.span[1]] == rating.text
            assert (rating.organisation, rating.rated_by) == (authority, "Ofsted")
            if rating.status == "current":
                assert rating.date == date


def test_previous_judgement_of_the_authority_with_its_year_and_not_of_its_childrens_home():
    previous = [r for r in read_report(NEWER).ratings if r.status == "previous"]
    assert [(r.grade, r.date) for r in previous] == [("inadequate", "2021")]


def test_front_page_fields():
    newer, older = read_front(NEWER, detect(NEWER)), read_front(OLDER, detect(OLDER))
    assert " ".join(newer.title.text.split()) == "Inspection of Northby local authority children’s services"
    assert [d.value for d in newer.inspection] == ["2025-03-03", "2025-03-14"]
    assert (newer.published, older.published_value) == (None, "2014-08-08")
    assert [d.value for d in older.inspection] == ["2014-06-02", "2014-06-25"]
    assert older.authority.text == "Eastwick Council"
    assert [(o.name, o.roles) for o in newer.inspectors] == [("Alex Marlow", ["Lead inspector",
                                                                             "His Majesty’s Inspector"])]
    assert [(o.name, o.roles) for o in older.inspectors] == [("Sam Okafor", ["Lead inspector"]),
                                                             ("Jo Brennan", ["Deputy lead inspector"])]


@pytest.mark.parametrize("words, values", [
    ("11 to 15 September 2023", ["2023-09-11", "2023-09-15"]),
    ("17 March to 21 March 2025", ["2025-03-17", "2025-03-21"]),
    ("9–24 November 2017", ["2017-11-09", "2017-11-24"]),
    ("28 January–5 February 2014", ["2014-01-28", "2014-02-05"]),
    ("12/09/2016 to 06/10/2016", ["2016-09-12", "2016-10-06"]),
    ("28 July 2016", ["2016-07-28"]),
    ("30 September to 11 October 2024 and 13 to 16 January 2025", ["2024-09-30", "2024-10-11"]),
    ("15 to 9 March 2025", []),  # not a period
])
def test_inspection_date_ranges(words, values):
    text = f"Inspection dates: {words}\n"
    profile = detect(text + "Ofsted\n")
    dates = date_range(text, len("Inspection dates: "), len(text) - 1, profile)
    assert [d.value for d in dates] == values
    assert all(text[d.span[0]:d.span[1]] == d.text for d in dates)


@pytest.mark.parametrize("line, name, roles", [
    ("Lead inspector: Dana Whitfield\n                Her Majesty’s Inspector", "Dana Whitfield",
     ["Lead inspector", "Her Majesty’s Inspector"]),
    ("Lead inspector: Dana Whitfield HMI.", "Dana Whitfield", ["Lead inspector", "HMI"]),
    ("Lead inspector: Dana J Whitfield (HMI)", "Dana J Whitfield", ["Lead inspector", "HMI"]),
    ("Lead inspector on site: Dana Whitfield", "Dana Whitfield", ["Lead inspector"]),
    ("Lead inspector: Máire Ní Bhriain, His Majesty’s Inspector", "Máire Ní Bhriain",
     ["Lead inspector", "His Majesty’s Inspector"]),
])
def test_lead_inspector_lines(line, name, roles):
    text = ("Inspection of Westford local authority children’s services\nInspection dates: 1 to 5 May 2023\n"
            f"{line}\n\nOfsted\n")
    inspectors = read_front(text, detect(text)).inspectors
    assert [(o.name, o.roles) for o in inspectors] == [(name, roles)]


def test_two_lead_inspectors_on_one_line():
    text = ("Inspection of Westford local authority children’s services\nInspection dates: 1 to 5 May 2023\n"
            "Lead inspectors: Dana Whitfield, His Majesty’s Inspector, and Rob Kerr,\nHis Majesty’s Inspector\n")
    assert [o.name for o in read_front(text, detect(text)).inspectors] == ["Dana Whitfield", "Rob Kerr"]


def test_furniture_running_headers_page_numbers_and_footnotes_are_blanked():
    article = prepare(NEWER)
    body = article.body
    assert "3 to 14 March 2025" not in body[NEWER.index("What needs"):]  # the running header's date line
    assert "Inspection of Northby local authority children’s services" not in body
    assert "footnote" not in body
    assert "Practice is consistently good" in body
    assert len(body) == len(NEWER)


def test_news_articles_are_not_reports():
    assert not [p.name for p in sorted(SAMPLES.glob("*.txt")) if detect(p.read_text(encoding="utf-8"))]


def test_report_record_through_the_pipeline(nlp):
    record = extract_record(OLDER, nlp, Options(source="eastwick.txt"))
    assert (record.publisher, record.published, record.authors) == ("Ofsted", "2014-08-08", [])
    assert record.title.startswith("Inspection of services for children in need of help and protection")
    assert {"2014-06-02", "2014-06-25"} <= {d.value for d in record.dates}
    assert any(o.name == "Sam Okafor" and "Lead inspector" in o.roles for o in record.officials)
    recommendations = [f for f in record.findings if f.kind == "recommendation"]
    assert [len(f.items) for f in recommendations] == [2]
    assert recommendations[0].items[0].text.endswith("reviewed\n       on time.")
    assert all(r.rated_by == "Ofsted" for r in record.ratings)
    newer = extract_record(NEWER, nlp, Options(source="northby.txt"))
    assert [f.lead_in for f in newer.findings if f.kind == "recommendation"] == ["What needs to improve?"]
    assert not any(f.kind != "recommendation" and f.items[0].text.startswith("Practice") for f in newer.findings)


@pytest.mark.skipif(not SCORER.exists() or not REPORTS.is_dir(), reason="../shared reports are not beside the checkout")
def test_reports_accuracy_floor(nlp, tmp_path):
    """Every twentieth real report through the whole pipeline, scored by the shared scorer."""
    paths = sorted(REPORTS.glob("*/*.txt"))[::20]
    pred = tmp_path / "reports.jsonl"
    with pred.open("w", encoding="utf-8") as out:
        for path in paths:
            with open(path, encoding="utf-8", errors="replace", newline="") as fh:
                record = extract_record(fh.read(), nlp, Options(source=f"{path.parent.name}/{path.name}"))
            out.write(record.model_dump_json() + "\n")
    done = subprocess.run(
        [sys.executable, str(SCORER), "--expected", str(GOLD / "ilacs_judgements.csv"), "--expected",
         str(GOLD / "sif_judgements.csv"), "--pred", str(pred), "--present", "--json"],
        capture_output=True, text=True, check=True,
    )
    scores = json.loads(done.stdout)
    low = [f"{k}: {scores[k]['acc']}" for k, floor in FLOORS["reports"].items() if scores[k]["acc"] < floor]
    assert not low
    assert scores["contradictions"] <= 1
