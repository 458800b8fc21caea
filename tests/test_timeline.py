"""`extract timeline`: names of one body merged, different bodies never; one event per verdict whatever the number
of sources; CSV, --body and charts. All bodies and records here are invented."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.cli import main
from extract.timeline import build_timeline
from extract.timeline.bodies import cluster, read_name
from extract.timeline.events import date_interval, service_kind


def rating(organisation: str, grade: str = "inadequate", date: str | None = None, service: str | None = None,
           status: str = "current", kind: str = "grade", rated_by: str | None = "Ofsted") -> dict:
    return {"text": grade, "span": [10, 10 + len(grade)], "grade": grade, "kind": kind, "organisation": organisation,
            "service": service, "rated_by": rated_by, "date": date, "status": status, "mentions": []}


def record(source: str, *ratings: dict, published: str | None = None, id: str | None = None) -> dict:
    return {"schema_version": "1.0", "id": id or hashlib.sha256(source.encode()).hexdigest()[:16], "source": source,
            "title": None, "publisher": None, "published": published, "authors": [], "ratings": list(ratings),
            "dates": [], "officials": [], "findings": [], "quotes": [], "warnings": [], "extractor": "test"}


def bodies_of(*names: str) -> dict[str, str]:
    return {n: b.key for n, b in cluster(list(names)).items()}


# -- names ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("names", [
    ["Eastmarsh Borough Council", "Eastmarsh", "Eastmarsh Council", "children's services in Eastmarsh",
     "Eastmarsh's children's services", "Eastmarsh County Council", "the London Borough of Eastmarsh",
     "Eastmarsh council's", "EASTMARSH CITY COUNCIL", "Eastmarsh\u2019s social services"],
    ["Brindleford-upon-Wyle", "Brindleford upon Wyle Council"],
    ["St. Albright's Council", "St Albrights"],  # a typo the fuzzy match takes
    ["Kestrel Vale Hospitals NHS Foundation Trust", "Kestrel Vale NHS Trust", "the Kestrel Vale Trust"],
    ["Ashcombe Constabulary", "Ashcombe Police"],
    ["HMP Greystone Fen", "Greystone Fen Prison"],
])
def test_names_of_one_body_merge(names):
    keys = set(bodies_of(*names).values())
    assert len(keys) == 1, bodies_of(*names)


@pytest.mark.parametrize("names", [
    ["Eastmarsh Borough Council", "Eastmarsh Academy"],  # a council and a school in the same town
    ["Eastmarsh", "Eastmarsh Hospitals NHS Trust"],  # a council and a trust
    ["Eastmarsh General Hospital", "Eastmarsh Hospitals NHS Trust"],  # a trust and a hospital, nothing links them
    ["North Eastmarsh Council", "Eastmarsh Council"],
    ["East Wyleshire", "West Wyleshire"],  # one letter apart, different places
    ["Eastmarsh Primary School", "Eastmarsh High School"],
    ["Eastmarsh Constabulary", "Eastmarsh Council"],
    ["Brindleford", "Brindlefold"],  # close, but short names are not taken for typos
])
def test_different_bodies_never_merge(names):
    keys = bodies_of(*names)
    assert len(set(keys.values())) == len(names), keys


def test_kinds_and_display_name():
    assert read_name("Eastmarsh").kind == "council"
    assert read_name("Eastmarsh Academy").kind == "school"
    assert read_name("Kestrel Vale NHS Foundation Trust").kind == "trust"
    assert read_name("the council") is None  # no particular body
    assert read_name("London") is None and read_name("City of London").core == "london"
    body = cluster(["Eastmarsh", "Eastmarsh", "Eastmarsh Borough Council", "children's services in Eastmarsh"])
    assert body["Eastmarsh"].name == "Eastmarsh Borough Council"
    assert set(body["Eastmarsh"].names) == {"Eastmarsh", "Eastmarsh Borough Council",
                                            "children's services in Eastmarsh"}


def test_hospital_joins_its_trust_only_where_the_text_links_them(tmp_path):
    text = ("Inspectors rated Ferncliff General Hospital inadequate on Monday. Ferncliff General Hospital, which is "
            "run by the Kestrel Vale Hospitals NHS Trust, must now improve.\n")
    article = tmp_path / "linked.txt"
    article.write_text(text, encoding="utf-8")
    linked = record(str(article), rating("Ferncliff General Hospital", date="2015-04-02", rated_by="CQC"),
                    id=hashlib.sha256(text.encode()).hexdigest()[:16])
    trust = record("trust.txt", rating("Kestrel Vale NHS Trust", "requires improvement", "2016-01", rated_by="CQC"))
    result = CliRunner().invoke(main, ["timeline", *_write(tmp_path, linked, trust)])
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.output.splitlines()]
    assert {e["body"] for e in events} == {"Kestrel Vale NHS Trust"}
    assert {e["body_kind"] for e in events} == {"trust"}
    # the same records with a text that does not link them (or is gone): two bodies
    article.write_text(text.replace("which is run by", "near"), encoding="utf-8")
    result = CliRunner().invoke(main, ["timeline", *_write(tmp_path, linked, trust)])
    assert {json.loads(line)["body"] for line in result.output.splitlines()} == {
        "Kestrel Vale NHS Trust", "Ferncliff General Hospital"}


# -- events -----------------------------------------------------------------------------------------------------

def test_same_verdict_from_several_sources_is_one_event():
    records = [
        record("report.txt", rating("Eastmarsh Borough Council", date="2014-03-21", service="overall effectiveness"),
               published="2014-03-21"),
        record("a.txt", rating("Eastmarsh", date="2014-03", service="children's services"), published="2014-03-25"),
        record("b.txt", rating("Eastmarsh's children's services", date="2014"), published="2014-06-02"),
        record("c.txt", rating("Eastmarsh council", status="previous"), published="2015-02-01"),  # undated
    ]
    events = build_timeline(records)
    assert len(events) == 1
    event = events[0].as_dict()
    assert event["date"] == "2014-03-21" and event["grade"] == "inadequate" and event["service"] == "overall"
    assert event["body"] == "Eastmarsh Borough Council"
    assert {s["source"] for s in event["sources"]} == {"report.txt", "a.txt", "b.txt", "c.txt"}
    assert all(s["text"] and s["span"] for s in event["sources"])
    assert event["status"] == "current" and event["rated_by"] == "Ofsted"


def test_verdicts_apart_are_separate_events_in_order():
    records = [
        record("r1.txt", rating("Eastmarsh", "inadequate", "2014-03-21")),
        record("r2.txt", rating("Eastmarsh", "requires improvement", "2017-06-30")),
        record("r3.txt", rating("Eastmarsh", "inadequate", "2019-11")),  # inadequate again, years later
        record("r4.txt", rating("Eastmarsh", "good", "2017-06-30", service="adoption")),  # another judgement
        record("r5.txt", rating("Eastmarsh Academy", "inadequate", "2014-03-21")),  # another body
    ]
    events = [e.as_dict() for e in build_timeline(records)]
    council = [(e["date"], e["grade"], e["service"], e["status"]) for e in events if e["body_kind"] == "council"]
    assert council == [("2014-03-21", "inadequate", "overall", "previous"),
                       ("2017-06-30", "requires improvement", "overall", "previous"),
                       ("2017-06-30", "good", "adoption", "current"),
                       ("2019-11", "inadequate", "overall", "current")]
    assert [e["body"] for e in events if e["body_kind"] == "school"] == ["Eastmarsh Academy"]


def test_undated_rating_joins_the_latest_verdict_before_its_article():
    records = [
        record("r1.txt", rating("Northwold", "good", "2012-05-01")),
        record("r2.txt", rating("Northwold", "good", "2018-05-01")),
        record("a.txt", rating("Northwold Council", "good"), published="2016-01-10"),
        record("b.txt", rating("Northwold Council", "good")),  # no date anywhere: its own undated event
    ]
    events = [e.as_dict() for e in build_timeline(records)]
    assert [(e["date"], sorted(s["source"] for s in e["sources"])) for e in events] == [
        ("2012-05-01", ["a.txt", "r1.txt"]), ("2018-05-01", ["r2.txt"]), (None, ["b.txt"])]


def test_an_undated_rating_never_skips_a_verdict_in_between():
    records = [
        record("r1.txt", rating("Northwold", "good", "2012-05-01")),
        record("r2.txt", rating("Northwold", "inadequate", "2015-05-01")),
        record("a.txt", rating("Northwold Council", "good"), published="2019-01-10"),  # good again, date unknown
        record("b.txt", rating("Northwold Council", "good", status="previous"), published="2019-01-10"),
    ]
    events = [e.as_dict() for e in build_timeline(records)]
    assert [(e["date"], e["grade"], e["status"], sorted(s["source"] for s in e["sources"])) for e in events] == [
        ("2012-05-01", "good", "previous", ["b.txt", "r1.txt"]), ("2015-05-01", "inadequate", "previous", ["r2.txt"]),
        (None, "good", "current", ["a.txt"])]


@pytest.mark.parametrize(("service", "kind"), [
    (None, "overall"), ("overall effectiveness", "overall"), ("Children's services", "overall"),
    ("children\u2019s social care", "overall"), ("social services at the council", "overall"),
    ("child protection services", "help and protection"), ("help and protection", "help and protection"),
    ("the experiences and progress of children in care", "in care"), ("care leavers", "care leavers"),
    ("maternity services", "maternity services"),
])
def test_service_kinds(service, kind):
    assert service_kind(service) == kind


@pytest.mark.parametrize(("value", "first", "last", "precision"), [
    ("2014-03-21", "2014-03-21", "2014-03-21", "day"), ("2014-03", "2014-03-01", "2014-03-31", "month"),
    ("2014", "2014-01-01", "2014-12-31", "year"), ("2014-Q2", "2014-04-01", "2014-06-30", "quarter"),
    ("2013-WI", "2013-12-01", "2014-02-28", "season"),
])
def test_date_intervals(value, first, last, precision):
    start, end, p = date_interval(value)
    assert (start.isoformat(), end.isoformat(), p) == (first, last, precision)
    assert date_interval("PRESENT_REF") is None and date_interval(None) is None


# -- the command ------------------------------------------------------------------------------------------------

def _write(folder: Path, *records: dict) -> list[str]:
    path = folder / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return [str(path)]


def _sample(tmp_path: Path) -> list[str]:
    return _write(tmp_path,
                  record("r1.txt", rating("Eastmarsh", "inadequate", "2014-03-21")),
                  record("r2.txt", rating("Eastmarsh Borough Council", "good", "2018-02")),
                  record("r3.txt", rating("Brindleford", "outstanding", "2019")),
                  record("r4.txt", rating("Eastmarsh Academy", "good", "2016-09-01")))


def test_command_json_lines_csv_and_body(tmp_path):
    runner = CliRunner()
    paths = _sample(tmp_path)
    events = [json.loads(line) for line in runner.invoke(main, ["timeline", *paths]).output.splitlines()]
    assert len(events) == 4
    assert {"body", "names", "grade", "service", "rated_by", "date", "status", "sources"} <= set(events[0])
    result = runner.invoke(main, ["timeline", "--csv", *paths])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["body"], r["date"], r["grade"]) for r in rows][:2] == [
        ("Brindleford", "2019", "outstanding"), ("Eastmarsh Academy", "2016-09-01", "good")]
    result = runner.invoke(main, ["timeline", "--body", "eastmarsh council", *paths])
    assert [json.loads(line)["grade"] for line in result.output.splitlines()] == ["inadequate", "good"]
    result = runner.invoke(main, ["timeline", "--body", "Brindlefordd", *paths])  # fuzzy
    assert [json.loads(line)["body"] for line in result.output.splitlines()] == ["Brindleford"]
    result = runner.invoke(main, ["timeline", str(tmp_path / "missing.jsonl")])
    assert result.exit_code == 1 and "missing.jsonl" in result.output
    for name, content in (("bad.db", b"not a database"), ("bad.jsonl", b"\xf8\x00binary"), ("bad2.jsonl", b"{oops")):
        (tmp_path / name).write_bytes(content)
        result = runner.invoke(main, ["timeline", str(tmp_path / name)])
        assert result.exit_code == 1 and name in result.output and "Traceback" not in result.output


def test_command_reads_folders_of_json_records(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(record("a.txt", rating("Eastmarsh", date="2014-03")), indent=2))
    (folder / "b.json").write_text(json.dumps(record("b.txt", rating("Eastmarsh Council", date="2014-03-21"))))
    result = CliRunner().invoke(main, ["timeline", str(folder)])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 1 and len(json.loads(result.output)["sources"]) == 2


def test_chart_files(tmp_path):
    out = tmp_path / "charts"
    result = CliRunner().invoke(main, ["timeline", "--chart", str(out), *_sample(tmp_path)])
    assert result.exit_code == 0, result.output
    svgs = sorted(p.name for p in out.glob("*.svg"))
    assert len(svgs) == 3
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(name in index for name in svgs) and "Eastmarsh Borough Council" in index
    assert "http" not in index.replace('lang="en"', "")  # works offline: nothing fetched
    assert (out / svgs[0]).read_text(encoding="utf-8").lstrip().startswith("<?xml")


# -- benchmarks/timeline_reports.py: its comparison, on invented reports -----------------------------------------

def _benchmark():
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "timeline_reports.py"
    spec = importlib.util.spec_from_file_location("timeline_reports", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_benchmark_compares_each_authoritys_overall_judgements(tmp_path):
    bench = _benchmark()
    reports = tmp_path / "txt"
    names = {"900001_eastmarsh": ["children's services inspection - 21 march 2014",
                                  "children's services inspection - 09 may 2019"],
             "900002_north brindleford": ["children's services inspection - 02 june 2016"],
             "900003_brindleford": ["children's services inspection - 10 october 2018"]}
    for folder, stems in names.items():
        (reports / folder).mkdir(parents=True)
        for stem in stems:
            (reports / folder / f"{stem}.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sif.csv").write_text(
        "urn,local_authority,pdf_filename,overall,published,inspection_start,inspection_end\n"
        "900001,eastmarsh,children's services inspection - 21 march 2014.pdf,inadequate,2014-03-21,2014-01-13,"
        "2014-02-05\n"
        "900002,north brindleford,children's services inspection - 02 june 2016.pdf,good,2016-06-02,2016-03-01,"
        "2016-03-24\n", encoding="utf-8")
    (tmp_path / "ilacs.csv").write_text(
        "urn,local_authority,pdf_filename,overall_effectiveness_grade,inspection_start_date,inspection_end_date\n"
        "900001,eastmarsh,children's services inspection - 09 may 2019.pdf,requires improvement to be good,"
        "11/03/2019,22/03/2019\n"
        "900003,brindleford,children's services inspection - 10 october 2018.pdf,outstanding,06/08/2018,17/08/2018\n",
        encoding="utf-8")
    gold = bench.gold_sequences([tmp_path / "sif.csv", tmp_path / "ilacs.csv"], reports)
    assert [g.grade for g in gold["900001_eastmarsh"]] == ["inadequate", "requires improvement"]

    def report(folder, stem, organisation, grade, date, **extra):
        return record(str(reports / folder / f"{stem}.txt"),
                      rating(organisation, grade, date, service=extra.pop("service", "overall effectiveness"),
                             **extra))

    good = [report("900001_eastmarsh", names["900001_eastmarsh"][0], "Eastmarsh Council", "inadequate", "2014-02-05"),
            report("900001_eastmarsh", names["900001_eastmarsh"][1], "Eastmarsh", "requires improvement", "2019-03"),
            report("900002_north brindleford", names["900002_north brindleford"][0], "North Brindleford", "good",
                   "2016-06-02"),
            report("900003_brindleford", names["900003_brindleford"][0], "Brindleford", "outstanding", "2018-08-17"),
            # an earlier verdict a report recalls, and a sub-judgement: neither is a report's overall judgement
            report("900003_brindleford", names["900003_brindleford"][0], "Brindleford", "good", "2014",
                   status="previous"),
            report("900003_brindleford", names["900003_brindleford"][0], "Brindleford", "good", "2018-08-17",
                   service="help and protection")]
    result = bench.compare(build_timeline(good), gold)
    assert (result.equal, result.authorities, result.merged, result.fed) == (3, 3, [], [])
    assert result.identified == 0  # invented authorities: in no register
    # a wrong grade, a date outside the report's span, and one authority's report naming the other
    bad = [dict(r) for r in good]
    bad[1] = report("900001_eastmarsh", names["900001_eastmarsh"][1], "Eastmarsh", "good", "2019-03")
    bad[2] = report("900002_north brindleford", names["900002_north brindleford"][0], "North Brindleford", "good",
                    "2017-01")
    bad[3] = report("900003_brindleford", names["900003_brindleford"][0], "North Brindleford", "outstanding",
                    "2018-08-17")
    result = bench.compare(build_timeline(bad), gold)
    assert (result.equal, result.equal_grades) == (0, 0)
    assert [folders for _body, folders in result.fed] == [["900002_north brindleford", "900003_brindleford"]]
    assert result.merged == []  # the names were not merged: the extraction gave the wrong one
    assert len(result.misses) == 3


@pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "shared/corpus/reports/ofsted/txt").is_dir(),
                    reason="../shared is absent")
def test_local_authority_names_stay_apart_and_their_forms_merge():
    folders = Path(__file__).resolve().parents[2] / "shared/corpus/reports/ofsted/txt"
    authorities = sorted(p.name.split("_", 1)[1] for p in folders.iterdir() if p.is_dir())
    forms = {a: [a, f"{a.title()} Council", f"{a.title()} County Council", f"London Borough of {a.title()}",
                 f"children's services in {a.title()}", f"{a.title()}'s children's services"] for a in authorities}
    bodies = cluster([f for fs in forms.values() for f in fs])
    assert len({bodies[a].key for a in authorities}) == len(authorities)
    assert all(len({bodies[f].key for f in fs}) == 1 for fs in forms.values())


def test_register_gives_bodies_their_identifiers(tmp_path):
    register = tmp_path / "register.csv"
    register.write_text("identifier,name,aliases\n"
                        "990001,Eastmarsh Borough Council,\n"
                        "990002,North Brindleford,Brindleford North | NB Council\n"
                        "990003,Brindleford,\n", encoding="utf-8")
    paths = _sample(tmp_path)
    result = CliRunner().invoke(main, ["timeline", "--register", str(register), *paths])
    assert result.exit_code == 0, result.output
    ids = {(e["body"], e["body_id"]) for e in map(json.loads, result.output.splitlines())}
    assert ids == {("Eastmarsh Borough Council", "990001"), ("Brindleford", "990003"),
                   ("Eastmarsh Academy", None)}  # a school is not the council of its town
    bad = tmp_path / "bad.csv"
    bad.write_text("urn,authority\n1,x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["timeline", "--register", str(bad), *paths])
    assert result.exit_code == 1 and "bad.csv" in result.output


def test_the_shipped_register_is_unambiguous():
    from extract.resources import models_dir
    from extract.timeline.register import default_register, read_register

    path = models_dir() / "timeline" / "registers" / "ofsted_local_authorities.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 150 and len({r["identifier"] for r in rows}) == len(rows)
    assert all(read_name(r["name"]) is not None and read_name(r["name"]).kind == "council" for r in rows)
    assert all(len(ids) == 1 for ids in read_register(path).values())  # no name reads as two authorities
    assert default_register() == read_register(path)
