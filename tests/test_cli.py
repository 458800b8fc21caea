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
from extract.records import Record, iter_spans

from .conftest import ROOT

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


def assert_spans(rec: dict, text: str) -> int:
    """Every span of `rec` points at its words in `text`; returns how many were checked."""
    checked = 0
    for (start, end), words in iter_spans(rec):
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == words, (start, end, words)
        checked += 1
    for quote in rec["quotes"]:
        if quote["speaker_span"] is not None:
            start, end = quote["speaker_span"]
            assert 0 <= start < end <= len(text)
    return checked


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
        assert_spans(rec, path.read_text(encoding="utf-8"))
    assert assert_spans(out[0], articles[0].read_text(encoding="utf-8")) >= 8  # the walk really finds spans
    first = out[0]
    assert first["published"] == "2018-05-03" and first["authors"] == ["Jane Roe"]
    assert first["officials"][0]["name"] == "Amy Stone"
    assert first["quotes"][0]["speaker"] == "Amy Stone"
    assert first["ratings"][0]["grade"] == "inadequate"
    assert [i["text"] for i in first["findings"][0]["items"]] == [
        "Too many children waited too long for help.", "Managers did not check decisions."]


def test_version_matches_the_package():
    from extract import __version__

    result = run(["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"extract, version {__version__}"


def test_schema_properties_are_typed_and_the_schema_is_valid():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(run(["schema"]).output)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) >= {"id", "source"}
    rec = records(run(["-j", "1", "-", "--published", "2018-05-03"], input=ARTICLE).stdout)[0]
    jsonschema.validate(rec, schema)


def test_folder_argument_reads_txt_recursively_in_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(UNDATED, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()  # a folder named like an article is skipped, not an error
    first = run(["-j", "1", str(tmp_path)])
    assert first.exit_code == 0
    out = records(first.stdout)
    assert [r["source"] for r in out] == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "c.txt"),
                                          str(tmp_path / "b" / "z.txt")]
    for rec in out:
        Record.model_validate(rec)
    assert records(run(["-j", "1", str(tmp_path)]).stdout) == out  # stable from run to run


def test_stdin_and_published_option():
    result = run(["-", "-j", "1", "--published", "2018-05-03"], input=UNDATED)
    assert result.exit_code == 0
    rec = records(result.stdout)[0]
    Record.model_validate(rec)
    assert rec["source"] == "-" and rec["published"] == "2018-05-03"
    assert [d["value"] for d in rec["dates"]] == ["2018-04"]
    assert rec["dates"][0]["text"] == "last month" and rec["dates"][0]["relative"] is True
    assert not any("publication date" in w for w in rec["warnings"])
    assert_spans(rec, UNDATED)


def test_stdin_among_files_keeps_input_order(articles):
    result = run(["-j", "1", str(articles[0]), "-", str(articles[2])], input=UNDATED)
    assert [r["source"] for r in records(result.stdout)] == [str(articles[0]), "-", str(articles[2])]


def test_without_publication_date_relative_dates_stay_unresolved():
    result = run(["-", "-j", "1"], input=UNDATED)
    assert result.exit_code == 0  # a warning, not a failure
    rec = records(result.stdout)[0]
    assert rec["published"] is None
    assert rec["dates"][0]["value"] is None
    assert any("publication date" in w for w in rec["warnings"])


def test_published_option_does_not_override_the_dateline(articles):
    rec = records(run(["-j", "1", "--published", "2020-01-01", str(articles[0])]).stdout)[0]
    assert rec["published"] == "2018-05-03"
    assert "2018-04" in [d["value"] for d in rec["dates"]]  # "last month" against the dateline


def test_same_text_same_id(articles, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_text(ARTICLE, encoding="utf-8")
    out = records(run(["-j", "1", str(articles[0]), str(copy), str(articles[2])]).stdout)
    assert out[0]["id"] == out[1]["id"] != out[2]["id"]


def test_pretty_output_is_indented_json(articles):
    result = run(["--pretty", "-j", "1", str(articles[0]), str(articles[1])])
    assert result.exit_code == 0
    assert result.stdout.startswith("{\n  ")
    decoder, rest, pretty = json.JSONDecoder(), result.stdout, []
    while rest.strip():
        obj, end = decoder.raw_decode(rest.lstrip())
        pretty.append(obj)
        rest = rest.lstrip()[end:]
    assert [r["source"] for r in pretty] == [str(articles[0]), str(articles[1])]
    assert pretty[0]["title"] == "Kestrelford council services rated inadequate"
    plain = records(run(["-j", "1", str(articles[0]), str(articles[1])]).stdout)
    assert pretty == plain  # the same records, only laid out


def test_bad_inputs_are_named_and_the_rest_goes_on(tmp_path, articles):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 1_100_000)
    missing = tmp_path / "missing.txt"
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(ARTICLE.replace("\u2022", "-").replace('"', "\u201c", 1).encode("cp1252"))
    result = run(["-j", "1", "-v", str(articles[0]), str(missing), str(binary), str(legacy), str(big),
                  str(articles[1])])
    assert result.exit_code == 1
    out = records(result.stdout)
    assert [r["source"] for r in out] == [str(articles[0]), str(legacy), str(articles[1])]
    for rec in out:
        Record.model_validate(rec)
    errors = [line for line in result.stderr.strip().splitlines() if line.startswith("extract: error:")]
    assert len(errors) == 3
    for bad, reason in ((missing, "no such file"), (binary, "binary"), (big, "too large")):
        [line] = [line for line in errors if str(bad) in line]
        assert reason in line
    assert "3 processed, 0 unchanged, 3 failed" in result.stderr


def test_only_good_inputs_exit_0_and_stderr_is_quiet(articles):
    result = run(["-j", "1", *map(str, articles)])
    assert result.exit_code == 0
    assert result.stderr == ""


def test_cp1252_text_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "legacy.txt"
    text = "Council \u201cfailing\u201d, says report\n\nIt was rated inadequate \u2013 again.\n"
    path.write_bytes(text.encode("cp1252"))
    result = run(["-j", "1", str(path)])
    assert result.exit_code == 0
    assert result.stderr == ""
    rec = records(result.stdout)[0]
    assert rec["title"].startswith("Council \u201cfailing\u201d")
    assert any("cp1252" in w for w in rec["warnings"])
    assert_spans(rec, text)


def test_spans_count_a_bom_and_crlf_line_endings(tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    rec = records(run(["-j", "1", str(path)]).stdout)[0]
    text = path.read_bytes().decode("utf-8")  # the BOM stays a character, as the contract says
    assert assert_spans(rec, text) >= 8
    assert rec["published"] == "2018-05-03"


@pytest.mark.parametrize(
    "args",
    [
        ["--published", "2018-13-45", "-"],
        ["--published", "3 May 2018", "-"],
        ["--published", "2018-5-3", "-"],
        ["--no-such-option", "-"],
        ["-j", "0", "-"],
        [],
    ],
)
def test_usage_errors_exit_2(args):
    result = run(args, input="x")
    assert result.exit_code == 2
    assert result.stdout == ""  # no record, the message on stderr
    assert "Error" in result.stderr


def test_bad_published_is_named_in_the_message():
    result = run(["--published", "2018-13-45", "-"], input="x")
    assert "2018-13-45" in result.output and "--published" in result.output


@pytest.mark.parametrize("value", ["2018-05-03", "2018-05", "2018"])
def test_published_accepts_each_precision(value):
    result = run(["-j", "1", "--published", value, "-"], input=UNDATED)
    assert result.exit_code == 0
    assert records(result.stdout)[0]["published"] == value


def test_malformed_patterns_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "ROLE", "pattern": "chief officer"}\n{not json}\n', encoding="utf-8")
    result = run(["--patterns", str(bad), "-"], input="x")
    assert result.exit_code == 2
    assert "bad.jsonl:2" in result.output
    assert result.stdout == ""


def test_missing_patterns_file_is_a_usage_error(tmp_path):
    result = run(["--patterns", str(tmp_path / "none.jsonl"), "-"], input="x")
    assert result.exit_code == 2
    assert "none.jsonl" in result.output


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
    assert result.exit_code == 0
    assert result.stdout == ""
    out = records(target.read_text(encoding="utf-8"))
    assert [r["source"] for r in out] == [str(p) for p in articles]
    for rec in out:
        Record.model_validate(rec)
    assert out == records(run(["-j", "1", *map(str, articles)]).stdout)
    assert not list(tmp_path.glob(".extract-*"))  # no temporary file left behind


def test_output_file_is_replaced_not_appended(tmp_path, articles):
    target = tmp_path / "out.jsonl"
    run(["-j", "1", "-o", str(target), *map(str, articles)])
    run(["-j", "1", "-o", str(target), str(articles[0])])
    assert len(records(target.read_text(encoding="utf-8"))) == 1


def test_output_folder_gets_one_json_file_per_article(tmp_path, articles):
    out = tmp_path / "out"
    result = run(["-j", "1", "-o", str(out) + "/", *map(str, articles)])
    assert result.exit_code == 0 and result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["a0.json", "a1.json", "a2.json"]
    for path in articles:
        rec = Record.model_validate_json((out / f"{path.stem}.json").read_text(encoding="utf-8"))
        assert rec.source == str(path)


def test_existing_folder_without_slash_is_an_output_folder(tmp_path, articles):
    out = tmp_path / "out"
    out.mkdir()
    run(["-j", "1", "-o", str(out), str(articles[0])])
    assert [p.name for p in out.iterdir()] == ["a0.json"]


def test_output_folder_names_never_escape_or_collide(tmp_path, monkeypatch):
    for folder in ("x", "y", "x/deep"):
        (tmp_path / folder).mkdir()
    for folder in ("x", "y", "x/deep"):
        (tmp_path / folder / "same.txt").write_text(ARTICLE.replace("Amy Stone", folder), encoding="utf-8")
    (tmp_path / "y" / "..txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path / "x")
    inputs = ["same.txt", "../y/same.txt", "deep/../../y/same.txt", "deep/same.txt", "../y/..txt",
              str(tmp_path / "x" / "deep" / "same.txt")]
    result = run(["-j", "1", "-o", "../out/", *inputs])
    assert result.exit_code == 0, result.stderr
    written = sorted(out.iterdir())
    assert len(written) == len(inputs)
    assert all(p.suffix == ".json" and not p.name.startswith(".") and p.parent == out for p in written)
    sources = [Record.model_validate_json(p.read_text(encoding="utf-8")).source for p in written]
    assert sorted(sources) == sorted(inputs)  # none overwrote another
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "x", "y"]
    assert sorted(p.name for p in (tmp_path / "y").iterdir()) == ["..txt", "same.txt"]
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["deep", "same.txt"]


def test_state_skips_unchanged_files_and_redoes_changed_ones(tmp_path, articles):
    state, out = tmp_path / "s.db", tmp_path / "out"
    args = ["-j", "1", "-v", "--state", str(state), "-o", str(out) + "/", *map(str, articles)]
    first = run(args)
    assert first.exit_code == 0
    assert "3 processed, 0 unchanged, 0 failed" in first.stderr
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    second = run(args)
    assert second.exit_code == 0
    assert "0 processed, 3 unchanged, 0 failed" in second.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps  # nothing rewritten
    articles[1].write_text(UNDATED + "\nA new paragraph, published on 4 June 2018.\n", encoding="utf-8")
    third = run(args)
    assert "1 processed, 2 unchanged, 0 failed" in third.stderr
    after = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert sorted(after) == sorted(stamps)
    assert [name for name in after if after[name] != stamps[name]] == ["a1.json"]
    rec = json.loads((out / "a1.json").read_text(encoding="utf-8"))
    assert "2018-06-04" in [d["value"] for d in rec["dates"]]
    with sqlite3.connect(state) as db:
        rows = db.execute("SELECT path, outcome, output FROM processed ORDER BY path").fetchall()
    assert rows == [(str(p), "ok", f"{p.stem}.json") for p in articles]


def test_a_file_changed_while_it_is_processed_is_processed_again(tmp_path, articles, monkeypatch):
    """A scraper may rewrite an article while a cron run reads it: the state must keep what was read
    (its size, time and hash then), so the next run sees the change."""
    from extract import workers as batch

    state, out = tmp_path / "s.db", tmp_path / "out"
    args = ["-j", "1", "-v", "--state", str(state), "-o", str(out) + "/", str(articles[0])]
    real_read_bytes = batch.read_bytes

    def read_then_rewrite(source):
        data = real_read_bytes(source)
        articles[0].write_text(UNDATED + "\nA new paragraph, published on 4 June 2018.\n", encoding="utf-8")
        return data

    monkeypatch.setattr(batch, "read_bytes", read_then_rewrite)
    assert "1 processed, 0 unchanged, 0 failed" in run(args).stderr
    monkeypatch.setattr(batch, "read_bytes", real_read_bytes)
    again = run(args)
    assert "1 processed, 0 unchanged, 0 failed" in again.stderr
    rec = json.loads((out / f"{articles[0].stem}.json").read_text(encoding="utf-8"))
    assert "2018-06-04" in [d["value"] for d in rec["dates"]]
    assert "0 processed, 1 unchanged, 0 failed" in run(args).stderr


def test_state_retries_failed_inputs(tmp_path, articles):
    state = tmp_path / "s.db"
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00binary\x00")
    args = ["-j", "1", "-v", "--state", str(state), "-o", str(tmp_path / "out") + "/", str(articles[0]), str(broken)]
    assert run(args).exit_code == 1
    broken.write_text(UNDATED, encoding="utf-8")
    again = run(args)
    assert again.exit_code == 0
    assert "1 processed, 1 unchanged, 0 failed" in again.stderr


def test_quiet_suppresses_the_summary(articles):
    assert run(["-j", "1", "-q", "-v", str(articles[0])]).stderr == ""


def test_output_file_mode_follows_the_umask(tmp_path, articles):
    previous = os.umask(0o022)
    try:
        run(["-j", "1", "-o", str(tmp_path / "out.jsonl"), str(articles[0])])
    finally:
        os.umask(previous)
    assert (tmp_path / "out.jsonl").stat().st_mode & 0o777 == 0o644


def _command() -> list[str]:
    if (ROOT / "src" / "extract" / "__main__.py").exists():
        return [sys.executable, "-m", "extract"]
    return [str(Path(sys.executable).parent / "extract")]


def test_real_subprocess_reads_stdin():
    done = subprocess.run([*_command(), "-", "-j", "1"], input=ARTICLE, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rec = Record.model_validate_json(done.stdout)
    assert rec.source == "-" and rec.published == "2018-05-03"
    assert assert_spans(json.loads(done.stdout), ARTICLE) >= 8


def test_real_subprocess_exit_code_on_a_missing_file(tmp_path):
    done = subprocess.run([*_command(), "-j", "1", str(tmp_path / "gone.txt")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "gone.txt" in done.stderr and "Traceback" not in done.stderr


def test_real_subprocess_cp1252_on_stdin_decodes_like_a_file():
    data = "Council \u201cfailing\u201d\n\nIt was rated inadequate.\n".encode("cp1252")
    done = subprocess.run([*_command(), "-", "-j", "1"], input=data, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rec = Record.model_validate_json(done.stdout)
    assert any("cp1252" in w for w in rec.warnings)


def test_binary_stdin_is_refused_like_a_binary_file():
    result = run(["-j", "1", "-"], input=b"abc\x00\x01\x02def\x00" * 20)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "-: binary" in result.stderr


def test_sigterm_leaves_valid_outputs_and_a_rerun_completes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    count = 96  # three chunks of 32: a SIGTERM once the first output exists always leaves work undone
    for i in range(count):
        (folder / f"{i:03d}.txt").write_text(ARTICLE + f"\nParagraph {i}.\n" * 10, encoding="utf-8")
    inputs = {str(p) for p in folder.glob("*.txt")}
    out, state = tmp_path / "out", tmp_path / "s.db"
    args = [*_command(), "-j", "1", "-v", "--state", str(state), "-o", str(out) + "/", str(folder)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not (out.exists() and any(out.glob("*.json"))):
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=240)
    assert proc.returncode == 1, err
    assert "interrupted" in err and "Traceback" not in err
    first = sorted(out.iterdir())
    assert 0 < len(first) < count
    for path in first:  # never a truncated record, never a stray temporary file
        assert path.suffix == ".json" and not path.name.startswith(".")
        Record.model_validate_json(path.read_text(encoding="utf-8"))

    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{count - len(first)} processed, {len(first)} unchanged, 0 failed" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{i:03d}.json" for i in range(count)]
    for path in out.iterdir():
        assert Record.model_validate_json(path.read_text(encoding="utf-8")).source in inputs
    with sqlite3.connect(state) as db:
        rows = db.execute("SELECT path, COUNT(*), MIN(outcome), MAX(outcome) FROM processed GROUP BY path").fetchall()
    assert {path for path, *_ in rows} == inputs
    assert all(n == 1 and lo == hi == "ok" for _, n, lo, hi in rows)
