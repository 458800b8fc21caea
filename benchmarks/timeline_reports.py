"""Does the timeline of the Ofsted reports give each local authority its history of overall judgements?

Runs `extract` over the report folders (`<URN>_<authority>/<report>.txt`; or reads its records with --pred), builds
the timeline, keeps each authority's overall judgements (events on a council's overall verdict, given by Ofsted,
with at least one report calling it current) and compares the sequence of (grade, date) of each authority with the
expected judgements (`ilacs_judgements.csv`, `sif_judgements.csv`). An authority's predicted sequence is the
events of the body most of its reports' overall judgements went to; a predicted date matches a report when the
interval its precision covers meets the report's span of dates (first day of inspection to publication; the
ILACS rows have no publication date, the date in the report's file name stands for it). A body whose events come
from the reports of two authorities is a merge of two authorities, which is reported.

    python benchmarks/timeline_reports.py                      # run extract, then score
    python benchmarks/timeline_reports.py --pred records.jsonl -v
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from extract.timeline import events_of  # noqa: E402
from extract.timeline.bodies import read_name  # noqa: E402
from extract.timeline.events import Event, date_interval  # noqa: E402

GRADES = ("outstanding", "good", "requires improvement", "inadequate")
_MONTHS = {m.lower(): n for n, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"), 1)}


def grade(value: str | None) -> str | None:
    v = re.sub(r"\s+to be good$", "", (value or "").strip().lower())
    return v if v in GRADES else None


def iso(value: str | None) -> dt.date | None:
    v = (value or "").strip()
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", v):
        d, mo, y = m.groups()
        return dt.date(int(y) + (2000 if len(y) == 2 else 0), int(mo), int(d))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return dt.date.fromisoformat(v)
    return None


def name_date(pdf_name: str) -> dt.date | None:
    """The date in a report's file name: "children's services inspection - 09 may 2025.pdf"."""
    m = re.search(r"(\d{1,2}) ([a-z]+) (\d{4})", pdf_name.lower())
    if m and m.group(2) in _MONTHS:
        try:
            return dt.date(int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
        except ValueError:
            return None
    return None


INSPECTION_LEAD = 120  # days from an inspection's last day to its report's publication, at most (Ofsted: ~50-90)


@dataclass
class GoldReport:
    """One report's overall judgement and the span of its dates."""

    report: str  # <urn>_<authority>/<report stem>, lower case
    grade: str
    first: dt.date
    last: dt.date

    def matches(self, value: str | None) -> bool:
        interval = date_interval(value)
        return interval is not None and interval[0] <= self.last and interval[1] >= self.first


def gold_sequences(csv_paths: list[Path], reports_dir: Path | None) -> dict[str, list[GoldReport]]:
    """Each authority folder's overall judgements in date order; with `reports_dir`, only reports whose text is
    there."""
    have = {f"{p.parent.name}/{p.stem}".lower() for p in reports_dir.glob("*/*.txt")} if reports_dir else None
    out: dict[str, list[GoldReport]] = defaultdict(list)
    for path in csv_paths:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                pdf = row["pdf_filename"]
                folder = f"{row['urn']}_{row['local_authority']}".lower()
                report = f"{folder}/{pdf[:-4] if pdf.lower().endswith('.pdf') else pdf}".lower()
                g = grade(row.get("overall_effectiveness_grade") or row.get("overall"))
                if g is None or (have is not None and report not in have):
                    continue
                dates = [d for d in (iso(row.get(k)) for k in ("inspection_start_date", "inspection_start",
                                                                 "inspection_end_date", "inspection_end",
                                                                 "publication_date", "published")) if d]
                if (named := name_date(pdf)) is not None:
                    dates.append(named)
                if not dates:
                    continue
                if not any(row.get(k) for k in ("inspection_start_date", "inspection_start")):
                    # the row lacks the inspection's dates, which the report prints and a verdict is dated by
                    # when the report prints no publication date: the visit ends at most INSPECTION_LEAD days
                    # before publication
                    dates.append(max(dates) - dt.timedelta(days=INSPECTION_LEAD))
                out[folder].append(GoldReport(report, g, min(dates), max(dates)))
    for reports in out.values():
        reports.sort(key=lambda r: (r.first, r.last))
    return dict(out)


def folder_of(source: str) -> str:
    """The authority folder of a record's source: `<urn>_<authority>` (lower case), or '' for another path."""
    parts = Path(source.replace("\\", "/")).parts
    return parts[-2].lower() if len(parts) >= 2 and re.match(r"\d+_", parts[-2]) else ""


def overall_judgements(events: list[Event]) -> list[Event]:
    """The events that are a report's overall judgement on a council: graded by Ofsted, on the overall verdict,
    on the four-point scale, and current in at least one report."""
    kept = []
    for e in events:
        if e.body.kind != "council" or e.kind != "grade" or e.service != "overall" or e.grade not in GRADES:
            continue
        if "ofsted" not in (e.rated_by or "").lower():
            continue
        if any((m.rating.get("status") or "current") == "current" for m in e.mentions):
            kept.append(e)
    return kept


@dataclass
class Comparison:
    authorities: int = 0
    equal: int = 0
    equal_grades: int = 0  # the grade sequence right, dates aside
    identified: int = 0  # the authority's body carries the authority's URN (from the register shipped)
    fed: list[tuple[str, list[str]]] = field(default_factory=list)  # body -> the authority folders it got events from
    merged: list[tuple[str, list[str]]] = field(default_factory=list)  # body -> the authorities its names name
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.equal / self.authorities if self.authorities else 0.0


def compare(events: list[Event], gold: dict[str, list[GoldReport]]) -> Comparison:
    """Score the overall judgements of `events` against `gold`, authority by authority."""
    judged = overall_judgements(events)
    by_body: dict[str, list[Event]] = defaultdict(list)
    folders_of_body: dict[str, set[str]] = defaultdict(set)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for e in judged:
        by_body[e.body.key].append(e)
        for m in e.mentions:
            folder = folder_of(m.source)
            if folder and (m.rating.get("status") or "current") == "current":
                folders_of_body[e.body.key].add(folder)
                votes[folder][e.body.key] += 1
    result = Comparison()
    for key, folders in sorted(folders_of_body.items()):
        if len(folders) > 1:
            result.fed.append((by_body[key][0].body.name, sorted(folders)))
    # a merge by the timeline: one body whose names are those of two authorities (its names read as the authority
    # folders' names read); a body fed by two authorities' reports under one name is the extraction's doing
    cores = defaultdict(set)
    for folder in gold:
        name = read_name(folder.split("_", 1)[1])
        if name is not None:
            cores[name.core].add(folder)
    for _key, events_of_body in sorted(by_body.items()):
        named = set()
        for name in events_of_body[0].body.names:
            read = read_name(name)
            named |= cores.get(read.core, set()) if read else set()
        if len(named) > 1:
            result.merged.append((events_of_body[0].body.name, sorted(named)))
    for folder, reports in sorted(gold.items()):
        result.authorities += 1
        body = votes[folder].most_common(1)[0][0] if votes.get(folder) else None
        predicted = sorted(by_body.get(body, []), key=lambda e: e.interval[0] if e.interval else dt.date.max) \
            if body else []
        grades_ok = [e.grade for e in predicted] == [r.grade for r in reports]
        equal = grades_ok and all(r.matches(e.date) for e, r in zip(predicted, reports, strict=True))
        result.equal += equal
        result.equal_grades += grades_ok
        result.identified += bool(predicted) and predicted[0].body.identifier == folder.split("_", 1)[0]
        if not equal:
            want = ", ".join(f"{r.grade} {r.first}..{r.last}" for r in reports)
            got = ", ".join(f"{e.grade} {e.date}" for e in predicted) or "nothing"
            result.misses.append(f"{folder}: expected [{want}] got [{got}]")
    return result


def read_records(path: Path) -> list[dict]:
    if path.is_dir():
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(path.glob("*.json"))]
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=Path, default=SHARED / "corpus/reports/ofsted/txt")
    ap.add_argument("--gold", type=Path, action="append",
                    help="expected judgements (default: ilacs_judgements.csv and sif_judgements.csv)")
    ap.add_argument("--pred", type=Path, help="records already made (JSON Lines or a folder of JSON)")
    ap.add_argument("-j", "--jobs", type=int, default=None)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every authority whose timeline differs")
    args = ap.parse_args()
    gold_paths = args.gold or [SHARED / "gold/reports/ilacs_judgements.csv", SHARED / "gold/reports/sif_judgements.csv"]
    pred = args.pred
    with tempfile.TemporaryDirectory() as tmp:
        if pred is None:
            pred = Path(tmp) / "records.jsonl"
            command = [sys.executable, "-m", "extract", "-q", str(args.reports), "-o", str(pred)]
            if args.jobs:
                command += ["-j", str(args.jobs)]
            subprocess.run(command, check=False)
        records = read_records(pred)
    events = events_of(records)
    gold = gold_sequences(gold_paths, args.reports if args.reports.is_dir() else None)
    result = compare(events, gold)
    print(f"records: {len(records)}  events: {len(events)}  overall judgements kept: "
          f"{len(overall_judgements(events))}")
    print(f"authorities whose timeline equals gold: {result.equal}/{result.authorities} = {result.share:.1%}"
          f"  (grades alone: {result.equal_grades}/{result.authorities})")
    print(f"authorities whose body carries their URN: {result.identified}/{result.authorities}")
    print(f"bodies whose names are of two authorities (merged by the timeline): {len(result.merged)}")
    for body, folders in result.merged:
        print(f"  merged: {body}: {', '.join(folders)}")
    print(f"bodies with overall judgements from the reports of two authorities (the extraction's attribution): "
          f"{len(result.fed)}")
    for body, folders in result.fed:
        print(f"  fed by: {body}: {', '.join(folders)}")
    if args.verbose:
        for line in result.misses:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
