"""Ratings on invented articles: each test is one way news reports a verdict (or a grade word that is not one)."""

from __future__ import annotations

import pytest

from extract import Options, extract_record


def ratings(nlp, text: str, published: str | None = "2021-06-10") -> set[tuple[str, str, str]]:
    record = extract_record(text, nlp, Options(source="t.txt", published=published))
    return {(r.grade, r.organisation, r.status) for r in record.ratings}


def pairs(nlp, text: str) -> set[tuple[str, str]]:
    return {(g, o) for g, o, _ in ratings(nlp, text)}


def test_grade_in_single_quotes(nlp):
    text = "Brackenhill Academy in Oxley has been rated ‘requires improvement’ by Ofsted after a visit in March."
    assert pairs(nlp, text) == {("requires improvement", "Brackenhill Academy")}


def test_special_measures_and_quoted_grade(nlp):
    text = ("Quillfield High School has been rated 'inadequate' and placed in special measures by Ofsted. "
            "Inspectors said leaders had failed to act.")
    assert pairs(nlp, text) == {("inadequate", "Quillfield High School"),
                                ("special measures", "Quillfield High School")}


@pytest.mark.parametrize(("number", "grade"), [("1", "outstanding"), ("2", "good"), ("3", "requires improvement"),
                                               ("4", "inadequate")])
def test_ofsted_grade_numbers(nlp, number, grade):
    text = f"Tarnby Primary School was given a Grade {number} rating by Ofsted inspectors this week."
    assert pairs(nlp, text) == {(grade, "Tarnby Primary School")}


def test_downgraded_from_to_gives_current_and_previous(nlp):
    text = "Ofsted has downgraded Wrenmoor Academy from outstanding to inadequate after inspectors found failings."
    assert ratings(nlp, text) == {("inadequate", "Wrenmoor Academy", "current"),
                                  ("outstanding", "Wrenmoor Academy", "previous")}


def test_scottish_scale_weak_and_very_good(nlp):
    text = ("Inspectors visited Little Acorns Nursery in Kelso in May. "
            "The Care Inspectorate graded the nursery as 'weak' for care and support. "
            "At its last visit the watchdog had rated Little Acorns Nursery 'very good'.")
    found = ratings(nlp, text)
    assert ("weak", "Little Acorns Nursery", "current") in found
    assert ("very good", "Little Acorns Nursery", "previous") in found
    assert not any(g == "good" for g, _, _ in found)


def test_prison_scale_is_not_read_as_good(nlp):
    text = ("HMP Brackwater was inspected in January. Purposeful activity was rated not sufficiently good, "
            "while resettlement was rated reasonably good.")
    assert pairs(nlp, text) == {("not sufficiently good", "HMP Brackwater"), ("reasonably good", "HMP Brackwater")}


def test_pronoun_takes_the_body_of_the_verdict_before(nlp):
    text = ("The children's ward at Glenmorrow Hospital has been rated good by the Care Quality Commission. "
            "The ward, run by Fenlow Valley NHS Trust, was praised. Inspectors rated it inadequate for safety.")
    found = pairs(nlp, text)
    assert ("inadequate", "Glenmorrow Hospital") in found
    assert not any("Fenlow" in o for _, o in found)


def test_withheld_grade_is_no_verdict(nlp):
    text = ("Corrowdale Primary School has missed out on an 'outstanding' rating. "
            "Ofsted refused it the top grade and graded it 'good' instead.")
    assert pairs(nlp, text) == {("good", "Corrowdale Primary School")}


def test_coordinated_grades_share_the_verb(nlp):
    text = "Ashgrove Community Hospital was rated as 'outstanding' and 'good' in other areas including surgery."
    assert pairs(nlp, text) == {("outstanding", "Ashgrove Community Hospital"), ("good", "Ashgrove Community Hospital")}


def test_list_of_bodies_each_gets_the_grade(nlp):
    text = "Holmbury Infant School and Pellow Junior School were both rated inadequate by Ofsted last month."
    assert pairs(nlp, text) == {("inadequate", "Holmbury Infant School"), ("inadequate", "Pellow Junior School")}


def test_graded_service_as_subject_rates_the_body(nlp):
    text = ("Inspectors from the CQC visited Tollbridge General Hospital in June. "
            "They said: 'In particular we found that urgent and emergency care (including the minor injuries unit) "
            "was inadequate.'")
    assert pairs(nlp, text) == {("inadequate", "Tollbridge General Hospital")}


def test_grade_words_about_practice_or_statistics_are_not_ratings(nlp):
    text = ("Harwick Council's head of service said practice is consistently good. "
            "Nationally, eleven councils were rated inadequate last year. "
            "Each trust will be given one of four ratings - outstanding, good, requires improvement, or inadequate. "
            "There is too much variation in the care patients receive - poor hospitals must improve.")
    assert ratings(nlp, text) == set()


def test_a_scale_listing_is_not_a_verdict(nlp):
    text = "Homes are graded outstanding, good, requires improvement or inadequate by the regulator."
    assert ratings(nlp, text) == set()


def test_elided_subject_after_but(nlp):
    text = "Morleigh Academy was rated good in 2016 but was judged inadequate by Ofsted last week."
    found = ratings(nlp, text)
    assert ("inadequate", "Morleigh Academy", "current") in found
    assert ("good", "Morleigh Academy", "previous") in found


def test_one_sentence_many_verdicts_on_bare_place_names(nlp):
    text = ("Ofsted has inspected children's services across the county. Farrowby and Kellisham were both rated "
            "good, Ostwick was rated outstanding, and Draymere, which was inspected in May, was rated inadequate.")
    assert pairs(nlp, text) == {("good", "Farrowby"), ("good", "Kellisham"), ("outstanding", "Ostwick"),
                                ("inadequate", "Draymere")}


def test_person_is_not_a_rated_body(nlp):
    text = ("Tolland Academy had been rated 'inadequate', but under Dr Amos Whitcombe's leadership this rose to "
            "'requires improvement'.")
    found = ratings(nlp, text)
    assert ("requires improvement", "Tolland Academy", "current") in found
    assert ("inadequate", "Tolland Academy", "previous") in found
    assert not any("Whitcombe" in o for _, o, _ in found)


def test_relative_clause_aside_before_the_verb(nlp):
    text = ("Rowan Court, a 30-bed home on Mill Street that cares for older people, was rated requires improvement "
            "by the Care Quality Commission in March 2019.")
    found = [r for r in extract_record(text, nlp, Options(source="t.txt")).ratings]
    assert [(r.grade, r.organisation, r.date) for r in found] == [("requires improvement", "Rowan Court", "2019-03")]


def test_nhs_trust_named_after_two_places(nlp):
    text = "The CQC has downgraded Ellerby and Wastwick Hospitals NHS Foundation Trust from good to inadequate."
    assert ratings(nlp, text) == {
        ("inadequate", "Ellerby and Wastwick Hospitals NHS Foundation Trust", "current"),
        ("good", "Ellerby and Wastwick Hospitals NHS Foundation Trust", "previous"),
    }


def test_requires_improvement_as_a_verb(nlp):
    text = "Danbury Constabulary has been told it requires improvement at keeping people safe."
    assert pairs(nlp, text) == {("requires improvement", "Danbury Constabulary")}


def test_not_fit_for_purpose_after_is(nlp):
    text = "Councillors say support for carers in Ludworth is 'not fit for purpose'."
    assert pairs(nlp, text) == {("not fit for purpose", "Ludworth")}


def test_copula_on_a_resource_is_not_a_rating(nlp):
    text = "Staff at Kestlow Borough Council told inspectors the learning and development resource is inadequate."
    assert ratings(nlp, text) == set()


def test_dates_current_previous_and_report_release(nlp):
    text = ("The Hexley Gazette\n\nPublished 14 March 2022\n\n"
            "Pottersby Borough Council's children's services have been rated inadequate by Ofsted. "
            "The report, published yesterday, follows an inspection in January. "
            "The council was previously judged good in June 2018.")
    record = extract_record(text, nlp, Options(source="t.txt"))
    found = {(r.grade, r.status, r.date) for r in record.ratings}
    assert ("inadequate", "current", "2022-03-13") in found
    assert ("good", "previous", "2018-06") in found


def test_date_across_but_belongs_to_the_other_verdict(nlp):
    text = "Linwell Hospital was rated good in 2015 but is now rated requires improvement."
    record = extract_record(text, nlp, Options(source="t.txt", published="2019-10-04"))
    found = {(r.grade, r.status, r.date) for r in record.ratings}
    assert found == {("good", "previous", "2015"), ("requires improvement", "current", None)}


def test_failing_and_special_measures_are_one_verdict(nlp):
    text = "Orchard Vale School – which opened in 2012 – was declared failing and placed in special measures in May."
    record = extract_record(text, nlp, Options(source="t.txt", published="2013-12-13"))
    assert [(r.grade, r.organisation, r.date) for r in record.ratings] == [
        ("special measures", "Orchard Vale School", "2013-05")]


def test_grades_of_parts_stand_beside_the_overall_grade(nlp):
    text = ("Kestmoor Prison was rated poor overall. Respect was rated not sufficiently good in 2016, "
            "and safety was rated reasonably good in 2016.")
    record = extract_record(text, nlp, Options(source="t.txt", published="2019-07-02"))
    statuses = {(r.grade, r.service, r.status) for r in record.ratings}
    assert ("poor", None, "current") in statuses
    assert ("not sufficiently good", "Respect", "current") in statuses
    assert ("reasonably good", "safety", "current") in statuses
