"""The command line: through click's CliRunner (in process) and as a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.cli import main
from extract.records import Record

ARTICLE = """Kestrelford council services rated inadequate

Published 3 May 2018

By Jane Roe

Kestrelford City Council's children's services have been rated inadequate by Ofsted after an inspection last month.

Council leader Cllr Amy Stone said: "We will put this right."

Inspectors found:

• Too many children waited too long for help.
• Managers did not check decisions.
"""

UNDATED = "Council under fire\n\nThe council said last month that it would publish its plan.\n"


def run(args: list[str], **kwargs):
    return CliRunner().invoke(main, args, catch_exceptions=False, **kwargs)


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def spans(obj):
    """Every (span, text) pair in a record."""
    if isinstance(obj, dict):
        if isinstance(obj.get("span"), list) and "text" in obj:
            yield obj["span"], obj["text"]
        for value in obj.values():
            yield from spans(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from spans(value)


@pytest.fixture
def articles(tmp_path: Path) -> list[Path]:
    paths = []
    for i, text in enumerate([ARTICLE, UNDATED, ARTICLE.replace("Amy Stone", "Ben Cole")]):
        path = tmp_path / f"a{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_version_and_help():
    assert run(["--version"]).output.startswith("extract, version ")
    helped = run(["--help"]).output
    assert "Examples:" in helped and "Exit codes:" in helped
    assert "--published" in run(["run", "--help"]).output


def test_schema_is_the_record_json_schema():
    schema = json.loads(run(["schema"]).output)
    for field in ("schema_version", "id", "source", "title", "publisher", "published", "authors", "ratings",
                  "dates", "officials", "findings", "quotes", "warnings"):
        assert field in schema["properties"]


def test_one_valid_record_per_file_in_input_order(articles):
    result = run(["-j", "1", *map(str, articles)])
    assert result.exit_code == 0
    out = records(result.stdout)
    assert [r["source"] for r in out] == [str(p) for p in articles]
    for path, rec in zip(articles, out, strict=True):
        Record.model_validate(rec)
        text = path.read_text(encoding="utf-8")
        for (start, end), words in spans(rec):
            assert text[start:end] == words
    first = out[0]
    assert first["published"] == "2018-05-03" and first["authors"] == ["Jane Roe"]
    assert first["officials"][0]["name"] == "Amy Stone"
    assert first["quotes"][0]["speaker"] == "Amy Stone"
    assert first["ratings"][0]["grade"] == "inadequate"
    assert [i["text"] for i in first["findings"][0]["items"]] == [
        "Too many children waited too long for help.", "Managers did not check decisions."]


def test_folder_argument_reads_txt_recursively_in_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(UNDATED, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    out = records(run(["-j", "1", str(tmp_path)]).stdout)
    assert [Path(r["source"]).name for r in out] == ["a.txt", "z.txt"]


def test_stdin_and_published_option():
    result = run(["-", "-j", "1", "--published", "2018-05-03"], input=UNDATED)
    rec = records(result.stdout)[0]
    assert rec["source"] == "-" and rec["published"] == "2018-05-03"
    assert [d["value"] for d in rec["dates"]] == ["2018-04"]


def test_without_publication_date_relative_dates_stay_unresolved():
    rec = records(run(["-", "-j", "1"], input=UNDATED).stdout)[0]
    assert rec["published"] is None
    assert rec["dates"][0]["value"] is None
    assert any("publication date" in w for w in rec["warnings"])


def test_pretty_output_is_indented_json(articles):
    result = run(["--pretty", "-j", "1", str(articles[0])])
    assert result.stdout.startswith("{\n  ")
    assert json.loads(result.stdout)["title"] == "Kestrelford council services rated inadequate"


def test_bad_inputs_are_named_and_the_rest_goes_on(tmp_path, articles):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1_100_000)
    missing = tmp_path / "missing.txt"
    result = run(["-j", "1", str(articles[0]), str(missing), str(binary), str(big), str(articles[1])])
    assert result.exit_code == 1
    assert [r["source"] for r in records(result.stdout)] == [str(articles[0]), str(articles[1])]
    errors = result.stderr.strip().splitlines()
    for bad in (missing, binary, big):
        assert sum(str(bad) in line for line in errors) == 1


def test_cp1252_text_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Council \u201cfailing\u201d, says report\n\nIt was rated inadequate.\n".encode("cp1252"))
    result = run(["-j", "1", str(path)])
    assert result.exit_code == 0
    rec = records(result.stdout)[0]
    assert rec["title"].startswith("Council \u201cfailing\u201d")
    assert any("cp1252" in w for w in rec["warnings"])


@pytest.mark.parametrize("args", [["--published", "2018-13-45", "-"], ["--no-such-option", "-"], []])
def test_usage_errors_exit_2(args):
    assert run(args, input="x").exit_code == 2


def test_malformed_patterns_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "ROLE", "pattern": "chief officer"}\n{not json}\n', encoding="utf-8")
    result = run(["--patterns", str(bad), "-"], input="x")
    assert result.exit_code == 2
    assert "bad.jsonl:2" in result.output


def test_patterns_file_extends_the_role_lexicon(tmp_path):
    extra = tmp_path / "roles.jsonl"
    extra.write_text('{"label": "ROLE", "pattern": "keeper of the archives"}\n', encoding="utf-8")
    text = "Archive news\n\nThe keeper of the archives, Tom Hale, said the council had agreed.\n"
    plain = records(run(["-j", "1", "-"], input=text).stdout)[0]
    extended = records(run(["-j", "1", "--patterns", str(extra), "-"], input=text).stdout)[0]
    assert plain["officials"] == []
    assert extended["officials"][0]["name"] == "Tom Hale"


def test_output_file_gets_the_records_and_stdout_stays_empty(tmp_path, articles):
    target = tmp_path / "out.jsonl"
    result = run(["-j", "1", "-o", str(target), *map(str, articles)])
    assert result.stdout == ""
    assert len(records(target.read_text(encoding="utf-8"))) == 3


def test_output_folder_names_never_escape_or_collide(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    for folder in ("x", "y"):
        (tmp_path / folder / "same.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    cwd = os.getcwd()
    os.chdir(tmp_path / "x")
    try:
        result = run(["-j", "1", "-o", str(out) + "/", "same.txt", "../y/same.txt"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 2 and all(name.endswith(".json") for name in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "x", "y"]


def test_state_skips_unchanged_files_and_redoes_changed_ones(tmp_path, articles):
    state, out = tmp_path / "s.db", tmp_path / "out"
    args = ["-j", "1", "-v", "--state", str(state), "-o", str(out) + "/", *map(str, articles)]
    assert "3 processed, 0 unchanged" in run(args).stderr
    assert "0 processed, 3 unchanged" in run(args).stderr
    articles[1].write_text(UNDATED + "\nA new paragraph.\n", encoding="utf-8")
    assert "1 processed, 2 unchanged" in run(args).stderr
    assert len(list(out.glob("*.json"))) == 3


def _command() -> list[str]:
    return [sys.executable, "-m", "extract"]


def test_real_subprocess_reads_stdin():
    done = subprocess.run([*_command(), "-", "-j", "1"], input=ARTICLE, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rec = Record.model_validate_json(done.stdout)
    assert rec.source == "-" and rec.published == "2018-05-03"


def test_sigterm_leaves_valid_outputs_and_a_rerun_completes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(80):
        (folder / f"{i:03d}.txt").write_text(ARTICLE + f"\nParagraph {i}.\n" * 40, encoding="utf-8")
    out, state = tmp_path / "out", tmp_path / "s.db"
    args = [*_command(), "-j", "1", "-q", "--state", str(state), "-o", str(out) + "/", str(folder)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not (out.exists() and any(out.glob("*.json"))):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=240)
    for path in out.glob("*"):
        Record.model_validate_json(path.read_text(encoding="utf-8"))  # never a truncated record
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert len(list(out.glob("*.json"))) == 80
    with sqlite3.connect(state) as db:
        rows = db.execute("SELECT path, outcome FROM processed").fetchall()
    assert len(rows) == 80 and {outcome for _, outcome in rows} == {"ok"}
