from extract import Options, extract_record


def test_record_validates_and_spans_point_at_text(nlp):
    text = "Council rated inadequate\n\nThe council was rated inadequate by Ofsted in May 2018.\n"
    record = extract_record(text, nlp, Options(source="x.txt", published="2018-06-01"))
    assert record.title == "Council rated inadequate"
    for date in record.dates:
        assert text[date.span[0] : date.span[1]] == date.text
