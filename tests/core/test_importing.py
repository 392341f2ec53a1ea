from trygg.core.importing import ReadError, iter_json_records


def values(text: str):
    return list(iter_json_records(text.encode()))


def test_json_lines_with_blank_lines_and_a_bad_line():
    out = values('{"a": 1}\n\n{"a": \n{"a": 3}\n')
    assert [line for line, _ in out] == [1, 3, 4]
    assert isinstance(out[1][1], ReadError)
    assert out[2][1] == {"a": 3}


def test_json_array_with_line_numbers():
    out = values('[\n {"a": 1},\n {"a": 2}\n]\n')
    assert out == [(2, {"a": 1}), (3, {"a": 2})]


def test_empty_array_and_trailing_garbage():
    assert values("[]") == []
    out = values('[{"a": 1}] x')
    assert out[0] == (1, {"a": 1})
    assert isinstance(out[1][1], ReadError) and "after the JSON array" in str(out[1][1])


def test_not_utf8():
    out = values("")
    assert out == []
    out = list(iter_json_records(b'{"a": "\xff"}'))
    assert isinstance(out[0][1], ReadError) and "UTF-8" in str(out[0][1])
