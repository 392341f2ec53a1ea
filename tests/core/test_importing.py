import io

import pytest

from trygg.core.importing import ReadError, iter_csv_records, iter_json_records


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
    assert isinstance(out[1][1], ReadError) and "efter JSON-listan" in str(out[1][1])


def test_not_utf8():
    out = values("")
    assert out == []
    out = list(iter_json_records(b'{"a": "\xff"}'))
    assert isinstance(out[0][1], ReadError) and "UTF-8" in str(out[0][1])


def test_a_nul_character_in_a_json_record_rejects_that_record_with_its_line():
    """PostgreSQL stores no NUL in text or JSON: the record is rejected at its line, the others are read."""
    out = values('{"a": "ok"}\n{"a": {"b": ["x\\u0000y"]}}\n{"\\u0000": 1}\n{"a": 4}\n')
    assert [line for line, _ in out] == [1, 2, 3, 4]
    assert all(isinstance(value, ReadError) and "NUL" in str(value) for _, value in out[1:3])
    assert out[3][1] == {"a": 4}
    array = values('[\n{"a": 1},\n{"a": "\\u0000"}\n]')
    assert array[0] == (2, {"a": 1}) and isinstance(array[1][1], ReadError) and array[1][0] == 3


def test_a_nul_character_in_a_csv_stops_the_file_at_its_line():
    rows = iter_csv_records(io.BytesIO(b"name,flag\nA,x\nB\x00,y\nC,z\n"), required=("name", "flag"))
    assert next(rows) == (2, {"name": "A", "flag": "x"})
    with pytest.raises(ReadError, match="NUL") as caught:
        next(rows)
    assert caught.value.line == 3
