"""Unit tests of the batch machinery: reading inputs, writing outputs safely, the incremental state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extract.batch import Settings, fingerprint, parse_json_lines
from extract.inputs import MAX_BYTES, STDIN, InputError, Source, decode, iter_sources, read_bytes, read_source
from extract.output import AtomicFile, atomic_write, inside, safe_name
from extract.state import Stamp, State, file_sha256

TEXT = "Harrowgate council rated \u201cinadequate\u201d \u2013 caf\u00e9 closes\n"


# --- inputs: decoding -----------------------------------------------------------------------------


def test_decode_utf8_without_warnings():
    decoded = decode(TEXT.encode("utf-8"))
    assert decoded.text == TEXT
    assert decoded.warnings == ()


def test_decode_utf8_bom_is_kept_as_a_character_and_warned():
    decoded = decode(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert decoded.text == "\ufeff" + TEXT  # offsets count the mark, as the contract says
    assert len(decoded.warnings) == 1 and "byte-order mark" in decoded.warnings[0]


def test_decode_falls_back_to_cp1252_with_a_warning():
    data = TEXT.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test text really is not UTF-8
    decoded = decode(data)
    assert decoded.text == TEXT
    assert any("cp1252" in w for w in decoded.warnings)


def test_decode_prefers_utf8_when_both_would_work():
    data = "caf\u00e9".encode()  # b"caf\xc3\xa9" is also valid cp1252 ("cafÃ©")
    assert decode(data).text == "caf\u00e9"


def test_decode_replaces_bytes_neither_utf8_nor_cp1252():
    data = b"Council report \x81 published\n"  # 0x81 is undefined in cp1252
    decoded = decode(data)
    assert decoded.text == "Council report \ufffd published\n"
    assert any("replaced" in w for w in decoded.warnings)


def test_decode_keeps_line_endings():
    assert decode(b"Title\r\n\r\nBody\r\n").text == "Title\r\n\r\nBody\r\n"


@pytest.mark.parametrize("data", [b"abc\x00def", b"\x00" * 10, b"GIF89a\x00\x01\x02"])
def test_decode_refuses_nul_bytes(data):
    with pytest.raises(InputError, match="binary"):
        decode(data)


def test_decode_refuses_mostly_control_characters():
    with pytest.raises(InputError, match="control characters"):
        decode(b"\x01\x02\x03\x04\x05ab\x06\x07\x08")


def test_decode_accepts_ordinary_whitespace_controls():
    assert decode(b"a\tb\fc\vd\r\n").text == "a\tb\fc\vd\r\n"


def test_decode_of_empty_data():
    assert decode(b"").text == ""


# --- inputs: reading --------------------------------------------------------------------------


def test_read_bytes_returns_the_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello\r\n")
    assert read_bytes(Source(str(path), path)) == b"hello\r\n"


def test_read_bytes_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="too large"):
        read_bytes(Source(str(path), path), limit=100)
    assert read_bytes(Source(str(path), path), limit=101) == b"x" * 101


def test_default_size_limit_is_five_megabytes(tmp_path):
    assert MAX_BYTES == 5_000_000
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(InputError, match="too large"):
        read_source(Source(str(path), path))


def test_read_bytes_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_bytes(Source("nope.txt", tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="directory"):
        read_bytes(Source(str(tmp_path), tmp_path))


def test_read_source_decodes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode("cp1252"))
    decoded = read_source(Source(str(path), path))
    assert decoded.text == TEXT and any("cp1252" in w for w in decoded.warnings)


def test_iter_sources_files_folders_and_stdin(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    for name in ("d/b.txt", "d/a.txt", "d/sub/c.txt", "d/skip.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "d" / "folder.txt").mkdir()  # a folder named like an article is not an article
    given = tmp_path / "given.md"
    sources = list(iter_sources([str(given), str(tmp_path / "d"), STDIN]))
    assert sources[0] == Source(str(given), given)  # files as given, even if missing or not *.txt
    assert [s.name for s in sources[1:-1]] == [str(tmp_path / p) for p in ("d/a.txt", "d/b.txt", "d/sub/c.txt")]
    assert sources[-1] == Source(STDIN, None)


# --- output ---------------------------------------------------------------------------------


def test_atomic_write_writes_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "r.json"
    atomic_write(target, "{\"a\": 1}\n")
    assert target.read_text(encoding="utf-8") == "{\"a\": 1}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
    atomic_write(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def _disk_full(fd):
    raise OSError(28, "No space left on device")


def _interrupted(src, dst):
    raise KeyboardInterrupt


@pytest.mark.parametrize(("function", "fault", "error", "match"), [
    ("fsync", _disk_full, OSError, "No space"),  # the write fails
    ("replace", _interrupted, KeyboardInterrupt, None),  # Ctrl-C at the rename
])
def test_atomic_write_keeps_old_content_when_interrupted(tmp_path, monkeypatch, function, fault, error, match):
    target = tmp_path / "r.json"
    target.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(os, function, fault)
    with pytest.raises(error, match=match):
        atomic_write(target, "new content that never lands\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_atomic_file_appears_only_on_commit(tmp_path):
    target = tmp_path / "out.jsonl"
    sink = AtomicFile(target)
    sink.write("{}\n")
    assert not target.exists()
    sink.commit()
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_atomic_file_discard_leaves_nothing_and_keeps_old(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    sink = AtomicFile(target)
    sink.write("new\n")
    sink.discard()
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_atomic_write_respects_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        atomic_write(tmp_path / "r.json", "{}\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("articles/story.txt", "story.json"),
        ("../../etc/passwd", "passwd.json"),
        ("/etc/passwd.txt", "passwd.json"),
        ("..", "article.json"),
        ("../..", "article.json"),
        (".hidden.txt", "hidden.json"),
        ("a b/c&d (1).txt", "c_d_1_.json"),
        ("dir\\win.txt", "win.json"),
        ("-", "stdin.json"),
    ],
)
def test_safe_name(source, expected):
    assert safe_name(source, set()) == expected


@pytest.mark.parametrize("source", ["..", "../x.txt", "/abs/path.txt", "a/../../b.txt", "..\\..\\w.txt", "...", "-"])
def test_safe_name_never_leaves_the_folder(tmp_path, source):
    name = safe_name(source, set())
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert inside(tmp_path, name).parent == tmp_path


def test_safe_name_tells_apart_same_stems():
    taken: set[str] = set()
    first = safe_name("x/same.txt", taken)
    taken.add(first)
    second = safe_name("y/same.txt", taken)
    taken.add(second)
    third = safe_name("../same.txt", taken)
    assert first == "same.json"
    assert len({first, second, third}) == 3
    assert second.startswith("same-") and second.endswith(".json")
    assert safe_name("y/same.txt", {first}) == second  # stable: the hash is of the path


@pytest.mark.parametrize("name", ["..", ".", "", "../x.json", "a/b.json", "/etc/passwd"])
def test_inside_refuses_names_that_leave_the_folder(tmp_path, name):
    with pytest.raises(ValueError, match="outside"):
        inside(tmp_path, name)


def test_inside_accepts_a_plain_name(tmp_path):
    assert inside(tmp_path, "story.json") == tmp_path / "story.json"


# --- state ----------------------------------------------------------------------------------


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("Council rated good\n", encoding="utf-8")
    return path


def _record_ok(state: State, path: Path) -> None:
    st = path.stat()
    state.record(str(path), "ok", stamp=Stamp(file_sha256(path), st.st_size, st.st_mtime_ns), output="a.json")


def test_state_unchanged_for_the_same_file(tmp_path, article):
    state = State(tmp_path / "s.db", "v1")
    assert not state.unchanged(str(article), article)  # never seen
    _record_ok(state, article)
    assert state.unchanged(str(article), article)
    state.close()
    reopened = State(tmp_path / "s.db", "v1")
    assert reopened.unchanged(str(article), article)
    assert reopened.outputs() == {str(article): "a.json"}
    reopened.close()


def test_state_changed_content_is_not_unchanged(tmp_path, article):
    state = State(tmp_path / "s.db", "v1")
    _record_ok(state, article)
    article.write_text("Council rated inadequate\n", encoding="utf-8")
    assert not state.unchanged(str(article), article)
    state.close()


def test_state_same_size_new_content_is_caught_by_the_hash(tmp_path, article):
    state = State(tmp_path / "s.db", "v1")
    _record_ok(state, article)
    before = article.stat()
    article.write_text("Council rated GOOD\n", encoding="utf-8")  # same size
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns + 5_000_000_000))
    assert article.stat().st_size == before.st_size
    assert not state.unchanged(str(article), article)
    state.close()


def test_state_touched_but_identical_file_is_unchanged(tmp_path, article):
    state = State(tmp_path / "s.db", "v1")
    _record_ok(state, article)
    st = article.stat()
    os.utime(article, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert state.unchanged(str(article), article)
    assert state.get(str(article)).mtime_ns == article.stat().st_mtime_ns  # remembered, no rehash next time
    state.close()


def test_state_other_extractor_version_is_not_unchanged(tmp_path, article):
    first = State(tmp_path / "s.db", "v1")
    _record_ok(first, article)
    first.close()
    second = State(tmp_path / "s.db", "v2")
    assert not second.unchanged(str(article), article)
    second.close()


def test_state_errors_and_deleted_files_are_not_unchanged(tmp_path, article):
    state = State(tmp_path / "s.db", "v1")
    state.record(str(article), "error", message="binary file")
    assert not state.unchanged(str(article), article)
    _record_ok(state, article)
    article.unlink()
    assert not state.unchanged(str(article), article)
    state.close()


def test_state_keeps_one_row_per_path(tmp_path, article):
    state = State(tmp_path / "s.db", "v1")
    for _ in range(3):
        _record_ok(state, article)
    assert state.db.execute("SELECT COUNT(*) FROM processed").fetchone() == (1,)
    state.close()


def test_fingerprint_follows_patterns_and_model(tmp_path):
    patterns = tmp_path / "p.jsonl"
    patterns.write_text('{"label": "ROLE", "pattern": "chief officer"}\n', encoding="utf-8")
    plain = fingerprint(Settings(paths=("-",)))
    with_patterns = fingerprint(Settings(paths=("-",), patterns=(patterns,)))
    assert plain == fingerprint(Settings(paths=("x",)))
    assert with_patterns != plain
    assert fingerprint(Settings(paths=("-",), model="en_core_web_md")) != plain
    patterns.write_text('{"label": "ROLE", "pattern": "chief executive"}\n', encoding="utf-8")
    assert fingerprint(Settings(paths=("-",), patterns=(patterns,))) != with_patterns


def test_parse_json_lines_skips_blank_lines():
    assert parse_json_lines('{"a": 1}\n\n  \n{"b": 2}\n') == [{"a": 1}, {"b": 2}]


def test_after_a_chunk_cyclic_garbage_is_freed_at_once():
    """A parsed doc sits in reference cycles; the worker frees each chunk's before the next (flat memory)."""
    import gc
    import weakref

    from extract.batch import _return_freed_memory

    class Node:
        pass

    gc.disable()  # no automatic collection may do the work instead
    try:
        node = Node()
        node.self = node
        alive = weakref.ref(node)
        del node
        assert alive() is not None
        _return_freed_memory()
        assert alive() is None
    finally:
        gc.enable()
        gc.unfreeze()


# --- sinks -----------------------------------------------------------------------------------------


def test_file_sink_carries_over_records_not_redone(tmp_path):
    from extract.sink import FileSink

    target = tmp_path / "r.jsonl"
    target.write_text('{"source": "a", "v": 1}\n{"source": "b", "v": 1}\n', encoding="utf-8")
    sink = FileSink(target, carry=True)
    sink.write("b", '{"source": "b", "v": 2}')
    sink.write("c", '{"source": "c", "v": 2}')
    sink.commit()
    assert parse_json_lines(target.read_text(encoding="utf-8")) == [
        {"source": "a", "v": 1}, {"source": "b", "v": 2}, {"source": "c", "v": 2}]
    assert [p.name for p in tmp_path.iterdir()] == ["r.jsonl"]


@pytest.mark.parametrize("carry", [False, True])
def test_file_sink_failing_commit_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch, carry):
    from extract.sink import FileSink

    target = tmp_path / "r.jsonl"
    target.write_text('{"source": "a"}\n', encoding="utf-8")
    sink = FileSink(target, carry=carry)
    sink.write("b", '{"source": "b"}')
    monkeypatch.setattr(os, "fsync", _disk_full)
    with pytest.raises(OSError, match="No space"):
        sink.commit()
    assert target.read_text(encoding="utf-8") == '{"source": "a"}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["r.jsonl"]


def test_state_accepts_names_that_are_not_utf8(tmp_path, article):
    state = State(tmp_path / "s.db", "v1")
    name = os.fsdecode(b"caf\xe9.txt")
    state.record(name, "ok", stamp=Stamp(file_sha256(article), 1, 1))
    assert state.get(name) is not None and state.get(name).path == "caf\\xe9.txt"


def test_state_deferred_rows_appear_only_on_flush(tmp_path, article):
    state = State(tmp_path / "s.db", "v1", deferred=True)
    _record_ok(state, article)
    assert state.get(str(article)) is None
    state.flush()
    assert state.get(str(article)) is not None
