"""Hostile shapes of input finish in time that grows linearly with their size.

Each case runs at 1x and 4x; the 4x run may take at most SLACK times four the 1x run (plus a small constant
for timer noise). Absolute times are not asserted: CI machines differ, the shape of the growth does not.
"""

from __future__ import annotations

import time

import pytest

from extract import extract_record
from extract.inputs import MAX_BYTES, InputError, read_bytes

SLACK = 2.0


def _bullets(n: int) -> str:
    return "Inspectors found:\n" + "".join(f"• item number {i} was poor\n" for i in range(n))


def _one_long_line(n: int) -> str:
    return "x" * n


def _quote_marks(n: int) -> str:
    return "He said " + "“a” " * (n // 2)


def _honorifics(n: int) -> str:
    return "Sir " * n + "John Smith said the council was rated inadequate."


CASES = {
    "100,000 bullet lines": (_bullets, 25_000),
    "1 MB line without spaces": (_one_long_line, 250_000),
    "50,000 quotation marks": (_quote_marks, 12_500),
    "repeated honorifics": (_honorifics, 2_500),
}


def _timed(nlp, text: str) -> float:
    started = time.perf_counter()
    record = extract_record(text, nlp)
    assert record.id
    return time.perf_counter() - started


@pytest.mark.parametrize("case", list(CASES))
def test_growth_is_linear(nlp, case):
    make, size = CASES[case]
    _timed(nlp, make(size // 10))  # warm caches
    small = _timed(nlp, make(size))
    large = _timed(nlp, make(size * 4))
    assert large <= 4 * SLACK * small + 1.0, f"{case}: {small:.2f}s at 1x, {large:.2f}s at 4x"


def test_inputs_over_the_size_limit_are_refused(tmp_path):
    from extract.inputs import Source

    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(InputError, match="limit"):
        read_bytes(Source(str(path), path))


def test_long_text_is_parsed_in_pieces_with_offsets_kept(nlp):
    from extract.core import PIECE_CHARS, parse, pieces

    paragraph = ("Councillor Jane Okoro, leader of the council, said: 'We will act on every finding.'\n\n"
                 "The school was rated inadequate by Ofsted in March 2019.\n\n")
    body = paragraph * (3 * PIECE_CHARS // len(paragraph))
    parts = pieces(body)
    assert len(parts) >= 3 and "".join(parts) == body and all(len(p) <= PIECE_CHARS for p in parts)
    assert all(p.endswith("\n") for p in parts[:-1])  # cut at paragraph breaks
    doc = next(parse(nlp, [body]))
    assert doc.text == body
    last = [ent for ent in doc.ents if ent.start_char > len(body) - len(paragraph) * 2]
    assert any(ent.label_ == "PERSON" for ent in last)  # the last piece was parsed too
    record = extract_record(body, nlp)
    assert {q.speaker for q in record.quotes} == {"Jane Okoro"}


def test_a_book_length_text_is_extracted_in_sections_and_merged(nlp):
    from extract.core import SECTION_CHARS

    paragraph = ("Councillor Jane Okoro, leader of the council, said: 'We will act on every finding.'\n\n"
                 "Ms Okoro said the school was rated inadequate by Ofsted in March 2019.\n\n")
    copies = 2 * SECTION_CHARS // len(paragraph) + 3
    text = paragraph * copies
    record = extract_record(text, nlp)
    for quote in record.quotes:
        assert text[quote.span[0] : quote.span[1]] == quote.text
    for date in record.dates:
        assert text[date.span[0] : date.span[1]] == date.text
    assert [o.name for o in record.officials] == ["Jane Okoro"]  # one person across every section
    mentions = record.officials[0].mentions
    assert len(mentions) == 2 * copies and mentions[-1].span[0] > 2 * SECTION_CHARS
    assert len([d for d in record.dates if d.value == "2019-03"]) == copies


def test_peak_memory_on_a_4_mb_input_is_bounded(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "bullets.txt"
    path.write_text(_bullets(100_000), encoding="utf-8")
    # a fresh parent whose only child is the run, so the peak read is that run's and no other test's
    probe = ("import resource, subprocess, sys; "
             "done = subprocess.run([sys.executable, '-m', 'extract', '-q', '-j', '1', sys.argv[1]], "
             "stdout=subprocess.DEVNULL); "
             "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    done = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True)
    code, peak_mb = map(int, done.stdout.split())
    assert code == 0
    assert peak_mb < 600, f"peak RSS {peak_mb} MB"
