"""Quotes and their speakers as news prints them. Every name and sentence here is invented."""

from __future__ import annotations

import pytest

from extract import Options, extract_record
from extract.quotes import find_passages


def _quotes(nlp, text: str) -> list[tuple[str | None, str]]:
    record = extract_record(text, nlp, Options(published="2020-03-04"))
    for quote in record.quotes:
        assert text[quote.span[0] : quote.span[1]] == quote.text
    return [(q.speaker, q.text) for q in record.quotes]


def _speaker_of(quotes, start: str) -> str | None:
    found = [speaker for speaker, text in quotes if text.startswith(start)]
    assert found, f"no quote starts with {start!r}: {quotes}"
    return found[0]


def test_british_single_quotes_across_paragraphs(nlp):
    text = ("Councillor Maria Okafor, the council's cabinet member for children, said: 'We accept every one of "
            "the findings.\n\n'We have already hired twelve more social workers and the parents' views will "
            "shape the plan.'\n\nThe council was rated inadequate.\n")
    quotes = _quotes(nlp, text)
    assert len(quotes) == 1
    speaker, quote = quotes[0]
    assert speaker == "Maria Okafor"
    assert quote.startswith("We accept") and quote.endswith("shape the plan.")


def test_lines_wrapped_inside_a_sentence(nlp):
    text = ("Wendy Marsh, MP for Eastport North\nWest, said: 'The families deserve answers and\nthey deserve "
            "them now.'\n\nAlan Reed, a retired nurse, said the hospital had been\nwarned in 2011 about the "
            "shortage of staff on its wards.\n\nThe trust said it would respond in full to the review.\n")
    quotes = _quotes(nlp, text)
    assert _speaker_of(quotes, "The families deserve") == "Wendy Marsh"
    assert "they deserve them now." in quotes[0][1]


def test_transcript_labels(nlp):
    text = ("The call was released by the service.\n\nTom Bright (TB): 'I need an ambulance, my chest hurts.'\n\n"
            "Call handler: 'Are you breathing normally?'\n\nTB: 'Not really, it is getting worse.'\n")
    quotes = _quotes(nlp, text)
    assert _speaker_of(quotes, "I need an ambulance") == "Tom Bright"
    assert _speaker_of(quotes, "Not really") == "Tom Bright"


@pytest.mark.parametrize(
    ("text", "start", "speaker"),
    [
        pytest.param("'The wards were short of staff on every visit,' said Dr Peter Lund, the trust's medical "
                     "director.\n\n'We are recruiting and we expect to fill every post by the summer.'\n\n"
                     "Inspectors visited in May.\n", "We are recruiting", "Peter Lund", id="paragraph-goes-on"),
        pytest.param('"The plan is a missed opportunity for pupils," said the chair of the schools committee, '
                     'Labour MP Helen Darby.\n\nMinisters said they would reply.\n', "The plan is", "Helen Darby",
                     id="named-after-the-verb"),
        pytest.param("Mayor Priya Nandra said she would raise the matter with Mr Colley at the next meeting.\n\n"
                     "She said: 'Nobody has told us what went wrong and I expect a full answer.'\n",
                     "Nobody has told", "Priya Nandra", id="pronoun-after-an-object-mention"),
        pytest.param("Karen Doyle, 41, whose daughter Ellie attends the school, said: 'The teachers have been "
                     "wonderful and we do not recognise the report.'\n", "The teachers have", "Karen Doyle",
                     id="relative-named-in-passing"),
        pytest.param("Professor Anne Hale's report said: 'Senior managers did not act on what they were told.'\n",
                     "Senior managers", "Anne Hale", id="a-persons-report"),
    ],
)
def test_speaker(nlp, text, start, speaker):
    assert _speaker_of(_quotes(nlp, text), start) == speaker


def test_caption_lines_hold_no_quotes(nlp):
    text = ("Under fire: Chief executive Ray Dunn (pictured) said the report was 'deeply unfair to staff'\n\n"
            "The trust was rated inadequate by the Care Quality Commission.\n")
    assert _quotes(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He called the plan 'unworkable' and 'rushed'.", ["unworkable", "rushed"]),
        ("'The parents' views were ignored,' she said.", ["The parents' views were ignored,"]),
        ('The "wider tenets" of society, he said."It is vital."', ["wider tenets"]),
        ("It's the children's services that matter.", []),
    ],
)
def test_passages(text, expected):
    passages, _ = find_passages(text)
    assert [text[p.start : p.end] for p in passages] == expected
