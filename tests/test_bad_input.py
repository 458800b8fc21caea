"""Bad input gets one clear line on stderr and the documented exit code, never a traceback (issue 13)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .test_cli import ARTICLE, assert_spans, records, run


def _one_line_error(result, code: int) -> str:
    assert result.exit_code == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines()  # a usage error also gets click's usage hint
             if line.strip() and not line.startswith(("Usage:", "Try '"))]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("with_state", [False, True])
def test_file_names_that_are_not_utf8_are_processed_and_recorded(tmp_path, with_state):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    try:
        with open(raw, "wb") as fh:
            fh.write(ARTICLE.encode("utf-8"))
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    state = ["--state", str(tmp_path / "s.db")] if with_state else []
    for given in (str(folder), os.fsdecode(raw)):
        result = run(["-j", "1", "-v", *state, given])
        assert result.exit_code == 0, result.stderr
        if with_state and given != str(folder):
            assert "0 processed, 1 unchanged" in result.stderr
        else:
            assert json.loads(result.stdout)["source"].endswith("caf\\xe9.txt")


def test_folders_nested_a_thousand_deep(tmp_path):
    levels = [tmp_path / "in"]
    for _ in range(1000):  # not mkdir(parents=True): it recurses too
        levels.append(levels[-1] / "d")
    for level in levels:
        level.mkdir()
    (levels[-1] / "a.txt").write_text(ARTICLE, encoding="utf-8")
    try:
        result = run(["-j", "1", str(tmp_path / "in")])
        assert result.exit_code == 0, result.stderr
        assert len(records(result.stdout)) == 1
    finally:  # bottom up: pytest's own clean-up of old temporary folders recurses and would fail on this
        (levels[-1] / "a.txt").unlink()
        for level in reversed(levels):
            level.rmdir()


@pytest.mark.parametrize(("row", "says"), [
    ({"label": "ROLE", "pattern": [{"TEXTT": "keeper"}]}, "unknown token attribute 'TEXTT'"),
    ({"label": "ROLE", "pattern": [{"TEXT": {"REGEX": "("}}]}, "not a valid regular expression"),
    ({"label": "ROLE", "pattern": [{"TEXT": "keeper", "OP": "++"}]}, "unknown operator '++'"),
    ({"label": "ROLE", "pattern": [{"TEXT": {"MATCHES": "x"}}]}, "unknown predicate 'MATCHES'"),
    ({"label": "NO_SUCH_LABEL", "pattern": "keeper"}, "unknown label 'NO_SUCH_LABEL'"),
    ({"label": "ROLE", "pattern": [{"TEXT": {"REGEX": "^(a+)+$"}}]}, "nested quantifiers"),
])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_patterns_are_one_line_naming_file_and_line(tmp_path, row, says, jobs):
    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "ROLE", "pattern": "keeper of the rolls"}\n' + json.dumps(row) + "\n",
                        encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    line = _one_line_error(run(["-j", jobs, "--patterns", str(patterns), str(tmp_path / "a.txt")]), 2)
    assert f"{patterns}:2:" in line and says in line


def test_good_token_patterns_are_accepted(tmp_path):
    patterns = tmp_path / "p.jsonl"
    patterns.write_text(json.dumps({"label": "ROLE", "pattern": [
        {"lower": "keeper"}, {"TEXT": {"REGEX": "^o[f]+$"}, "OP": "?"}, {"LOWER": {"IN": ["rolls", "seals"]}},
        {"IS_PUNCT": True, "OP": "{0,2}"}]}) + "\n", encoding="utf-8")
    assert run(["-j", "1", "--patterns", str(patterns), "-"], input=ARTICLE).exit_code == 0


def test_state_that_cannot_be_opened_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    line = _one_line_error(run(["-j", "1", "--state", str(tmp_path / "file" / "s.db"), str(tmp_path / "a.txt")]), 1)
    assert "s.db" in line and "state" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
def test_state_in_a_read_only_folder_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        _one_line_error(run(["-j", "1", "--state", str(locked / "s.db"), str(tmp_path / "a.txt")]), 1)
    finally:
        locked.chmod(0o700)


def test_output_file_in_a_missing_folder_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    result = run(["-j", "1", "-o", str(tmp_path / "nowhere" / "r.jsonl"), str(tmp_path / "a.txt")])
    assert result.exit_code == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_unknown_model_is_a_usage_error():
    result = run(["-j", "1", "--model", "no_such_pipeline_xyz", "-"], input=ARTICLE)
    assert result.exit_code == 2 and "no_such_pipeline_xyz" in result.stderr and "Traceback" not in result.stderr


def test_a_folder_without_articles_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("x", encoding="utf-8")
    line = _one_line_error(run(["-j", "1", str(tmp_path / "empty")]), 1)
    assert "empty: no *.txt files" in line


def test_upper_case_txt_counts(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "A.TXT").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in" / "b.Txt").write_text(ARTICLE, encoding="utf-8")
    result = run(["-j", "1", str(tmp_path / "in")])
    assert [Path(r["source"]).name for r in records(result.stdout)] == ["A.TXT", "b.Txt"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(tmp_path, encoding):
    path = tmp_path / "a.txt"
    data = ARTICLE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    result = run(["-j", "1", str(path)])
    assert result.exit_code == 0, result.stderr
    rec = records(result.stdout)[0]
    assert rec["title"].lstrip("\ufeff") == "Kestrelford council services rated inadequate"
    assert assert_spans(rec, "\ufeff" + ARTICLE) >= 8  # the mark counts as a character, as with UTF-8


def test_a_newline_in_a_file_name_cannot_forge_error_lines(tmp_path):
    name = str(tmp_path / "x\nextract: error: forged.txt: binary")
    result = run(["-j", "1", name])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "x\\x0aextract: error: forged.txt" in result.stderr
