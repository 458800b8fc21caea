"""The officials stage on the ways UK news gives a person's role. Every sentence here is invented."""

from __future__ import annotations

import pytest

from extract import Options, extract_record
from extract.records import Official


def officials(text: str, nlp) -> dict[str, Official]:
    record = extract_record(text, nlp, Options(source="t.txt"))
    for off in record.officials:
        for mention in off.mentions:
            assert text[mention.span[0] : mention.span[1]] == mention.text
    return {o.name: o for o in record.officials}


def mention_texts(official: Official) -> list[str]:
    return [m.text for m in official.mentions]


def has_role(official: Official, words: str) -> bool:
    return any(words.lower() in role.lower() for role in official.roles)


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Workforce chief, Hattie Quenell, said the figures were worrying.", "Hattie Quenell", "chief"),
        ("The chief inspector of schools, Sir Bertram Ockley, wrote to every head.", "Bertram Ockley",
         "chief inspector of schools"),
        ("Transport Secretary Imelda Vance announced the review on Tuesday.", "Imelda Vance", "Transport Secretary"),
        ("Deputy Prime Minister Osric Pellow met union leaders.", "Osric Pellow", "Deputy Prime Minister"),
        ("Norah Feltwell, who became chief executive in 2011, declined to comment.", "Norah Feltwell",
         "chief executive"),
        ("Cadogan Brill, general secretary of the Lantern Teachers' Union, said pay was too low.", "Cadogan Brill",
         "general secretary"),
        ("Perpetua Naylor, chairman of the Rivermoor Police Federation, called it a disgrace.", "Perpetua Naylor",
         "chairman of the Rivermoor Police Federation"),
        ("Assembly Member Gwion Tudur Prys asked for an inquiry.", "Gwion Tudur Prys", "Assembly Member"),
        ("Tamsin Orrell, the trust's director of nursing, said staff had been retrained.", "Tamsin Orrell",
         "director of nursing"),
        ("Acting headteacher Verity Stroud said the school would improve.", "Verity Stroud", "acting headteacher"),
        ("Head of estates Dr Lowri Maddern said the wing would reopen.", "Lowri Maddern", "head of estates"),
    ],
)
def test_role_given_with_the_name(nlp, text: str, name: str, role: str) -> None:
    found = officials(text, nlp)
    assert name in found, sorted(found)
    assert has_role(found[name], role), found[name].roles


def test_short_forms_are_mentions(nlp) -> None:
    text = ("Schools watchdog chief, Sir Ambrose Kettering, criticised the council.\n\n"
            "Sir Ambrose said progress was slow. Kettering added that he would return in spring.\n")
    found = officials(text, nlp)
    assert set(mention_texts(found["Ambrose Kettering"])) >= {"Sir Ambrose Kettering", "Sir Ambrose", "Kettering"}
    assert found["Ambrose Kettering"].honorific == "Sir"


def test_role_in_a_later_paragraph(nlp) -> None:
    text = ("Ingram Possett attacked the plans at a conference.\n\n"
            "Parents were angry.\n\n"
            "Mr Possett, the county's director of children's services, said the money had run out.\n")
    found = officials(text, nlp)
    assert "Ingram Possett" in found
    assert has_role(found["Ingram Possett"], "director of children's services")
    assert {"Ingram Possett", "Mr Possett"} <= set(mention_texts(found["Ingram Possett"]))


def test_name_across_a_wrapped_line(nlp) -> None:
    text = ("The report has also highlighted the failings of the health board chief executive Dame Oriel \n"
            "Fairbrother, who ran the region until 2009.\n\nDame Oriel said she had done her best.\n")
    found = officials(text, nlp)
    assert "Oriel Fairbrother" in found, sorted(found)
    assert has_role(found["Oriel Fairbrother"], "chief executive")
    assert "Dame Oriel" in mention_texts(found["Oriel Fairbrother"])


def test_full_name_without_honorific(nlp) -> None:
    text = 'Dafydd Emrys Howells, Plaid Cymru education spokesman, said: "This is not good enough."'
    found = officials(text, nlp)
    assert "Dafydd Emrys Howells" in found, sorted(found)
    assert found["Dafydd Emrys Howells"].party == "Plaid Cymru"


def test_body_before_a_name_is_not_a_person(nlp) -> None:
    text = "The head of Westmarch Vale Police, Rosalind Achebe, has been promoted to a national job."
    found = officials(text, nlp)
    assert "Rosalind Achebe" in found
    assert has_role(found["Rosalind Achebe"], "head of Westmarch Vale Police")
    assert not any("Westmarch" in name for name in found), sorted(found)


def test_party_introducing_a_speaker(nlp) -> None:
    text = 'For the Scottish Liberal Democrats, Fenella Murchison said the target was "timid".'
    found = officials(text, nlp)
    assert found["Fenella Murchison"].party == "Liberal Democrat"


def test_role_held_by_the_person(nlp) -> None:
    text = "Critics said Ottoline Rusk's role as deputy secretary in the health department was untenable."
    found = officials(text, nlp)
    assert has_role(found["Ottoline Rusk"], "deputy secretary")


def test_double_barrelled_name(nlp) -> None:
    text = "Conservative group leader Cllr Hermione Ashby-Crane said the budget was fair."
    found = officials(text, nlp)
    assert "Hermione Ashby-Crane" in found, sorted(found)
    assert found["Hermione Ashby-Crane"].party == "Conservative"


def test_private_people_are_not_officials(nlp) -> None:
    text = ("Campaigner Rowena Pilbeam, whose father died at the hospital, founded a support group.\n\n"
            "Rowena Pilbeam, founder of the Justice For Dads group, said: \"Nobody listened.\"\n\n"
            "Neighbour Barnaby Stott said he had heard shouting.\n")
    assert officials(text, nlp) == {}


def test_role_title_across_a_wrapped_line(nlp) -> None:
    text = ("Bad news came in a letter. Dr Ifor Quantock, the hospital trust's medical \n"
            "director, said the figures would be checked.\n")
    found = officials(text, nlp)
    assert "Ifor Quantock" in found, sorted(found)
    assert "medical director" in found["Ifor Quantock"].roles


def test_letters_after_a_name(nlp) -> None:
    text = "Philippa Drayne QC said the inquiry would sit in public.\n\nMs Drayne added that it would report in May."
    found = officials(text, nlp)
    assert "Philippa Drayne" in found, sorted(found)
    assert "Ms Drayne" in mention_texts(found["Philippa Drayne"])


def test_stacked_roles_before_one_name(nlp) -> None:
    text = '"It is a mess," said the chairman of the Commons health committee, Labour MP Evander Thorley.'
    found = officials(text, nlp)
    assert has_role(found["Evander Thorley"], "chairman of the Commons health committee")
    assert has_role(found["Evander Thorley"], "MP")
    assert found["Evander Thorley"].party == "Labour"


def test_age_in_apposition(nlp) -> None:
    text = "Wystan Carrow, 58, was head of adult social care at the council when the complaints were made."
    found = officials(text, nlp)
    assert has_role(found["Wystan Carrow"], "head of adult social care")


def test_roles_in_a_relative_clause(nlp) -> None:
    text = ("Cllr Leofric Tanner, who chaired the housing scrutiny panel until 2019 and is now leader of the "
            "Labour group, said the report was fair.")
    found = officials(text, nlp)
    person = found["Leofric Tanner"]
    assert has_role(person, "chair of the housing scrutiny panel"), person.roles
    assert has_role(person, "leader of the Labour group"), person.roles
    assert person.party == "Labour"


def test_role_after_another_verb_is_not_theirs(nlp) -> None:
    text = "Marigold Penhallow, who met the chief executive on Monday, said she was disappointed."
    assert "Marigold Penhallow" not in officials(text, nlp)


def test_plural_title_before_two_names(nlp) -> None:
    text = "Owners Cressida Vane and Lucan Ebdon appealed against the closure of the nursery."
    found = officials(text, nlp)
    assert {"Cressida Vane", "Lucan Ebdon"} <= set(found), sorted(found)
    assert has_role(found["Lucan Ebdon"], "owner")


def test_a_company_is_not_a_person(nlp) -> None:
    text = "A formal warning was issued to owners Brackenfold Homes Limited last week."
    assert officials(text, nlp) == {}


def test_role_in_a_coordinated_predicate(nlp) -> None:
    text = ("Dr Ansel Brocklehurst had been appointed to turn the college round, and had been head of "
            "training at a borstal before that.")
    found = officials(text, nlp)
    assert has_role(found["Ansel Brocklehurst"], "head of training"), found
    assert "head of" not in found["Ansel Brocklehurst"].roles


def test_role_in_quotation_marks(nlp) -> None:
    text = "Perdita Colquhoun was made a 'super head' at a failing school in 2016."
    found = officials(text, nlp)
    assert has_role(found["Perdita Colquhoun"], "super head")


def test_constituency_before_mp_is_not_a_person(nlp) -> None:
    text = "Ms Orla Kelby, a Cabinet Office minister and Wexcombe North MP, arrived at the school on Friday."
    found = officials(text, nlp)
    assert "Orla Kelby" in found
    assert not any("Wexcombe" in name for name in found), sorted(found)


def test_complement_stops_before_when_and_with_whom(nlp) -> None:
    text = ("Fenwick Aldous, who was head of the budget office under President Garland, left in March. "
            "Sabine Okafor, permanent secretary in April 2009, disagreed.")
    found = officials(text, nlp)
    assert found["Fenwick Aldous"].roles == ["head of the budget office"]
    assert found["Sabine Okafor"].roles == ["permanent secretary"]


def test_body_right_before_a_title_is_not_its_holder(nlp) -> None:
    text = "Tilda Marsh chief stepping down\n\nThe fashion chain Tilda Marsh is parting company with its boss."
    assert officials(text, nlp) == {}


def test_party_inside_a_body_name_is_not_a_party(nlp) -> None:
    text = "Oskar Lindqvist, director of the Institute for the Study of Labour in Malmo, said wages would rise."
    found = officials(text, nlp)
    assert found["Oskar Lindqvist"].party is None


def test_title_opening_the_next_sentence(nlp) -> None:
    text = ("Kenelm Arbuthnot is considering taking the schools out of council control.\n\n"
            "The Culture Secretary's intervention follows months of complaints.\n")
    found = officials(text, nlp)
    assert has_role(found["Kenelm Arbuthnot"], "Culture Secretary")


def test_title_elsewhere_is_someone_else(nlp) -> None:
    text = ("Kenelm Arbuthnot has written to parents about the closures.\n\n"
            "He said he had met the Culture Secretary twice.\n")
    assert "Kenelm Arbuthnot" not in officials(text, nlp)
