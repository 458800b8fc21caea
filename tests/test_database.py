"""`extract -o FILE.db`: one table per kind of element, rows matching the records, updated in place on re-runs,
whole articles only, never behind the state; Datasette serves it."""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from extract.cli import main
from extract.database import DatabaseSink, open_database, read_records, write_record

from .conftest import SAMPLES

TABLES = ("articles", "ratings", "dates", "officials", "quotes", "findings", "finding_items", "events",
          "event_sources")


def run(args: list[str]):
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> tuple[list[str], list[dict]]:
    """Six sample articles and their records as JSON Lines."""
    paths = [str(p) for p in sorted(SAMPLES.glob("*.txt"))[:6]]
    out = tmp_path_factory.mktemp("jsonl") / "records.jsonl"
    assert run([*paths, "-j", "1", "-q", "-o", str(out)]).exit_code == 0
    return paths, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def counts(db_path: Path) -> dict[str, int]:
    db = sqlite_utils.Database(db_path)
    try:
        return {table: db[table].count for table in TABLES}
    finally:
        db.close()


def expected_counts(records: list[dict]) -> dict[str, int]:
    return {"articles": len(records), "ratings": sum(len(r["ratings"]) for r in records),
            "dates": sum(len(r["dates"]) for r in records), "officials": sum(len(r["officials"]) for r in records),
            "quotes": sum(len(r["quotes"]) for r in records), "findings": sum(len(r["findings"]) for r in records),
            "finding_items": sum(len(f["items"]) for r in records for f in r["findings"])}


def test_rows_match_the_records_and_reruns_update_in_place(samples, tmp_path):
    paths, records = samples
    db_path = tmp_path / "records.db"
    assert run([*paths, "-j", "1", "-q", "-o", str(db_path)]).exit_code == 0
    first = counts(db_path)
    assert {k: first[k] for k in expected_counts(records)} == expected_counts(records)
    assert first["ratings"] > 0 and first["finding_items"] > 0 and first["events"] > 0
    assert first["event_sources"] <= first["ratings"]
    for _ in range(2):  # again, and with a state: nothing duplicated
        assert run([*paths, "-j", "1", "-q", "-o", str(db_path), "--state", str(tmp_path / "s.db")]).exit_code == 0
        assert counts(db_path) == first
    assert sorted(read_records(db_path), key=lambda r: r["source"]) == sorted(records, key=lambda r: r["source"])
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT r.text, r.start, r.end, a.id, r.article_id FROM ratings r "
                            "JOIN articles a ON a.source = r.source").fetchall()
    texts = {p: Path(p).read_text(encoding="utf-8") for p in paths}
    sources = {r["id"]: r["source"] for r in records}
    for text, start, end, article_id, row_article in rows:
        assert article_id == row_article and texts[sources[article_id]][start:end] == text
    db = sqlite_utils.Database(db_path)
    assert {fk.other_table for fk in db["finding_items"].foreign_keys} == {"articles", "findings"}
    assert any(idx.columns == ["article_id"] for idx in db["ratings"].indexes)
    db.close()


def test_a_changed_article_replaces_its_rows(tmp_path):
    article = tmp_path / "story.txt"
    article.write_text("Wyleshire council services rated inadequate\n\nPublished 3 May 2018\n\n"
                       "Wyleshire County Council's children's services have been rated inadequate by Ofsted.\n\n"
                       "Inspectors found:\n\n- Too many children waited.\n- Managers did not check.\n",
                       encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("Nothing rated here\n\nPublished 4 May 2018\n\nA quiet day.\n", encoding="utf-8")
    db_path, state = tmp_path / "r.sqlite", tmp_path / "state.db"
    assert run([str(article), str(other), "-j", "1", "-q", "-o", str(db_path), "--state", str(state)]).exit_code == 0
    before = counts(db_path)
    assert (before["articles"], before["ratings"], before["finding_items"]) == (2, 1, 2)
    article.write_text(article.read_text(encoding="utf-8").replace("inadequate", "good")
                       .replace("- Managers did not check.\n", "- Managers did not check.\n- Nobody listened.\n"),
                       encoding="utf-8")
    assert run([str(article), str(other), "-j", "1", "-q", "-o", str(db_path), "--state", str(state)]).exit_code == 0
    assert run([str(article), str(other), "-j", "1", "-q", "-o", str(tmp_path / "r.jsonl")]).exit_code == 0
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    after = counts(db_path)
    assert {k: after[k] for k in expected_counts(records)} == expected_counts(records)
    assert after["finding_items"] == 3
    changed = next(r for r in records if r["source"] == str(article))
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT grade FROM ratings ORDER BY n").fetchall() == [
            (r["grade"],) for r in changed["ratings"]]
        assert {g for (g,) in conn.execute("SELECT grade FROM events")} == {"good"}
        assert conn.execute("SELECT id FROM articles WHERE source = ?", (str(article),)).fetchone() == (changed["id"],)
        assert conn.execute("SELECT DISTINCT article_id FROM ratings").fetchall() == [(changed["id"],)]


def _record(source: str, n_ratings: int) -> dict:
    ratings = [{"text": "good", "span": [0, 4], "grade": "good", "kind": "grade", "organisation": f"Body {i}",
                "service": None, "rated_by": "Ofsted", "date": "2015", "status": "current", "mentions": []}
               for i in range(n_ratings)]
    return {"schema_version": "1.0", "id": source[:16], "source": source, "title": None, "publisher": None,
            "published": None, "authors": [], "ratings": ratings, "dates": [], "officials": [],
            "findings": [{"kind": "finding", "lead_in": "Found:", "lead_in_span": [0, 6], "source": None,
                          "items": [{"text": "a", "span": [0, 1]}, {"text": "b", "span": [1, 2]}]}],
            "quotes": [], "warnings": [], "extractor": "test"}


def test_an_article_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    db_path = tmp_path / "r.db"
    db = open_database(db_path)
    write_record(db, _record("a.txt", 3))
    original = sqlite_utils.db.Table.insert_all

    def failing(self, *args, **kwargs):
        if self.name == "finding_items":
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(sqlite_utils.db.Table, "insert_all", failing)
    with pytest.raises(OSError):
        write_record(db, _record("b.txt", 2))  # fails after its ratings and findings were inserted
    with pytest.raises(OSError):
        write_record(db, _record("a.txt", 5))  # an update that fails leaves the previous rows
    db.close()
    assert counts(db_path)["articles"] == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT source, count(*) FROM ratings GROUP BY source").fetchall() == [("a.txt", 3)]
        assert conn.execute("SELECT count(*) FROM finding_items").fetchone() == (2,)


def test_a_killed_run_leaves_whole_articles_and_the_state_not_ahead(tmp_path):
    """A sink that dies before its commit (as in `kill -9`) keeps the articles written so far, each whole, and the
    state (written only after the commit) names none of them: the next run redoes them, and nothing doubles."""
    db_path = tmp_path / "r.db"
    sink = DatabaseSink(db_path)
    for i in range(3):
        sink.write(f"{i}.txt", json.dumps(_record(f"{i}.txt", i + 1)))
    sink.db.conn.close()  # no commit: the process is gone
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT source, count(*) FROM ratings GROUP BY source ORDER BY source").fetchall() == [
            ("0.txt", 1), ("1.txt", 2), ("2.txt", 3)]
    sink = DatabaseSink(db_path)
    for i in range(3):
        sink.write(f"{i}.txt", json.dumps(_record(f"{i}.txt", i + 1)))
    sink.commit()
    assert (counts(db_path)["ratings"], counts(db_path)["events"], counts(db_path)["event_sources"]) == (6, 3, 6)


def _consistent(db_path: Path, state: Path) -> set[str]:
    """Each article's rows are those of its record; every input the state calls done is in the database."""
    with sqlite3.connect(db_path) as conn:
        stored = {source: json.loads(text) for source, text in conn.execute("SELECT source, record FROM articles")}
        for source, record in stored.items():
            for table in ("ratings", "dates", "officials", "quotes", "findings"):
                (n,) = conn.execute(f"SELECT count(*) FROM {table} WHERE source = ?", (source,)).fetchone()
                assert n == len(record[table]), (source, table)
    if state.exists():
        with sqlite3.connect(state) as conn:
            done = {p for (p,) in conn.execute("SELECT path FROM processed WHERE outcome = 'ok'")}
        assert done <= set(stored)
    return set(stored)


def test_kill_9_mid_run_then_resume(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for copy in range(4):  # enough chunks of work for a kill to fall between two
        for path in sorted(SAMPLES.glob("*.txt")):
            (inputs / f"{copy}-{path.name}").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    db_path, state = tmp_path / "r.db", tmp_path / "state.db"
    command = [sys.executable, "-m", "extract", str(inputs), "-j", "1", "-q", "-o", str(db_path), "--state",
               str(state)]
    seen = 0
    for _ in range(2):  # killed once some articles are in, twice; each time the database is consistent
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(sqlite3.Error), \
                    contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= seen + 2:
                    break
            time.sleep(0.05)
        proc.kill()
        proc.wait()
        seen = len(_consistent(db_path, state))
    assert 0 < seen < len(list(inputs.glob("*.txt")))  # the kills did stop the run midway
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert len(_consistent(db_path, state)) == len(list(inputs.glob("*.txt")))
    fresh = tmp_path / "fresh.db"
    assert subprocess.run([*command[:-4], "-o", str(fresh)], capture_output=True).returncode == 0
    assert counts(db_path) == counts(fresh)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_datasette_serves_the_database(samples, tmp_path):
    paths, records = samples
    db_path = tmp_path / "records.db"
    assert run([*paths, "-j", "1", "-q", "-o", str(db_path)]).exit_code == 0
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db_path), "-h", "127.0.0.1", "-p",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/records/ratings.json?_shape=array&_size=max"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.loads(response.read())
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert len(rows) == sum(len(r["ratings"]) for r in records)
        assert {"source", "article_id", "text", "start", "end", "grade"} <= set(rows[0])
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_timeline_reads_the_database(samples, tmp_path):
    paths, records = samples
    db_path, jsonl = tmp_path / "records.db", tmp_path / "records.jsonl"
    assert run([*paths, "-j", "1", "-q", "-o", str(db_path)]).exit_code == 0
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    from_db = run(["timeline", str(db_path)]).output.splitlines()
    assert from_db and from_db == run(["timeline", str(jsonl)]).output.splitlines()
    with sqlite3.connect(db_path) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM events")}
        (n_sources,) = conn.execute("SELECT count(*) FROM event_sources").fetchone()
    assert stored == {json.loads(line)["id"] for line in from_db}
    assert n_sources == sum(len(json.loads(line)["sources"]) for line in from_db)


def test_a_file_that_is_no_database_is_refused_in_one_line(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Nothing rated here\n\nPublished 4 May 2018\n\nA quiet day.\n", encoding="utf-8")
    target = tmp_path / "records.db"
    target.write_text("not a database", encoding="utf-8")
    result = CliRunner().invoke(main, [str(article), "-j", "1", "-q", "-o", str(target)])
    assert result.exit_code == 1
    assert "records.db: cannot use the database" in result.output and len(result.output.splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "not a database"
    assert CliRunner().invoke(main, [str(article), "--pretty", "-o", str(target)]).exit_code == 2
