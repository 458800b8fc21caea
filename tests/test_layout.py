"""Page structure of real outlets: header blocks, bylines, datelines, front matter and captions.

Every text here is invented; the layouts are the ones outlets use.
"""

from __future__ import annotations

import pytest

from extract.layout import analyse

MAIL_STYLE = (
    "By\nHarriet Quill\n\nPUBLISHED:\n\n  \n      08:15 EST, 3 April 2015\n    \n | \n  UPDATED:\n  \n"
    "      17:40 EST, 4 April 2015\n\nA care home was closed after inspectors found residents left without food.\n"
)


def _authors(article) -> list[str]:
    return [a.text for a in article.authors]


def test_label_block_gives_author_and_published_never_updated():
    article = analyse(MAIL_STYLE)
    assert _authors(article) == ["Harriet Quill"]
    assert article.published_value == "2015-04-03"
    assert article.title is None
    assert article.text[slice(*article.published.span)] == "3 April 2015"


def test_updated_alone_is_used_only_when_nothing_else_is_given():
    article = analyse("UPDATED:\n\n10:02 EST, 9 May 2016\n\nThe trust was told to improve its wards.\n")
    assert article.published_value == "2016-05-09"


@pytest.mark.parametrize(
    ("lines", "authors", "publisher"),
    [
        ("By\nHarriet Quill\nand Tomas Brenner\n\n", ["Harriet Quill", "Tomas Brenner"], None),
        ("By Harriet Quill and Tomas Brenner\n\n", ["Harriet Quill", "Tomas Brenner"], None),
        ("By Harriet Quill, Tomas Brenner and Ada Lenk\n\n", ["Harriet Quill", "Tomas Brenner", "Ada Lenk"], None),
        ("By\nEvening Star Reporter\n\n", [], "Evening Star"),
        ("By\nHarriet Quill for NewsOnline\n\n", ["Harriet Quill"], "NewsOnline"),
        ("By Harriet Quill, Health Correspondent\n\n", ["Harriet Quill"], None),
    ],
)
def test_bylines(lines, authors, publisher):
    article = analyse(lines + "The school was placed in special measures by inspectors last week.\n")
    assert _authors(article) == authors
    assert (article.publisher.text if article.publisher else None) == publisher
    for mention in article.authors:
        assert article.text[slice(*mention.span)] == mention.text


def test_a_caption_or_first_sentence_is_not_a_title():
    caption = ("Under fire: Jo Marr, director of children's services at the council since 2012, "
               "faces questions over the failures\n\nThe council's children's services were rated inadequate.\n")
    assert analyse(caption).title is None
    pictured = "Ann Lowe (pictured) was made head of the academy in 2014\n\nThe academy was told to improve.\n"
    assert analyse(pictured).title is None
    sentence = "A hospital trust has been rated inadequate by the health watchdog.\n\nInspectors found...\n"
    assert analyse(sentence).title is None


def test_a_short_first_line_is_a_headline():
    article = analyse("Prison inspectors condemn jail violence\n\nViolence at the jail has doubled, inspectors say.\n")
    assert article.title.text == "Prison inspectors condemn jail violence"


def test_front_matter_gives_title_date_and_authors():
    text = ("---\ntitle: Council told to improve care for children\ndate: 2026-01-23T06:33:59\n"
            "author: Harriet Quill\nurl: https://example.org/story\n---\n\nThe council was rated inadequate.\n")
    article = analyse(text)
    assert article.title.text == "Council told to improve care for children"
    assert article.published_value == "2026-01-23"
    assert _authors(article) == ["Harriet Quill"]
    assert "url:" not in article.body and "title:" not in article.body


def test_an_outlet_naming_itself_is_the_publisher():
    article = analyse("Ratings slip at city schools\n\nThe Evening Star has learned that two schools will close.\n")
    assert article.publisher.text == "Evening Star"


def test_header_furniture_is_blanked_but_dates_stay():
    article = analyse(MAIL_STYLE)
    assert "PUBLISHED" not in article.body and "Harriet" not in article.body
    assert "3 April 2015" in article.body and "4 April 2015" in article.body
    assert len(article.body) == len(article.text)
