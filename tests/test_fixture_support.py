"""The ``# expect:`` markers of the fixtures: parsing them and matching findings against them."""
from __future__ import annotations

import pytest

from fixture_support import Fixture, compare, parse_marker


@pytest.mark.parametrize("line, marks", [
    ("x = 1", []),
    ("x = 1  # a comment", []),
    ("res.get()  # expect: CEL201", [("CEL201", None)]),
    ("res.get()  # expect: CEL201, CEL202", [("CEL201", None), ("CEL202", None)]),
    ("res.get()  # expect: CEL201:12", [("CEL201", 12)]),
    ("res.get()  # expect: CEL201:12, CEL202", [("CEL201", 12), ("CEL202", None)]),
    ("res.get()  #expect:CEL202 CEL201:5", [("CEL202", None), ("CEL201", 5)]),
    ("f(a=1, b=2)  # expect: CEL407:3, CEL407:8", [("CEL407", 3), ("CEL407", 8)]),
])
def test_parse_marker(line, marks):
    assert parse_marker(line) == marks


@pytest.mark.parametrize("marker", ["CEL201:", "CEL201:0", ":12", "CEL201:12:3", "CEL:4"])
def test_parse_marker_rejects_a_malformed_item(marker):
    with pytest.raises(ValueError, match="bad expect marker"):
        parse_marker(f"res.get()  # expect: {marker}")


def test_plain_mark_matches_any_column_and_every_finding_of_its_code():
    marks = {(3, "CEL201", None)}
    assert compare(marks, [(3, "CEL201", 12)]) == ([], [])
    assert compare(marks, [(3, "CEL201", 5), (3, "CEL201", 12)]) == ([], [])


def test_column_mark_matches_its_column_only():
    marks = {(3, "CEL201", 12)}
    assert compare(marks, [(3, "CEL201", 12, "message")]) == ([], [])
    # a finding at the wrong column: the mark is missing, the finding unexpected
    assert compare(marks, [(3, "CEL201", 13, "message")]) == ([(3, "CEL201", 12)], [(3, "CEL201", 13, "message")])
    # one more finding of the code on the line, at a column not marked
    assert compare(marks, [(3, "CEL201", 12), (3, "CEL201", 20)]) == ([], [(3, "CEL201", 20)])


def test_mixed_marks_and_one_rule_twice_on_a_line():
    marks = {(3, "CEL201", 12), (3, "CEL202", None), (7, "CEL407", 36), (7, "CEL407", 59)}
    found = [(3, "CEL201", 12), (3, "CEL202", 1), (7, "CEL407", 36), (7, "CEL407", 59)]
    assert compare(marks, found) == ([], [])
    assert compare(marks, found[:3]) == ([(7, "CEL407", 59)], [])
    assert compare(marks, [(3, "CEL202", 1)]) == ([(3, "CEL201", 12), (7, "CEL407", 36), (7, "CEL407", 59)], [])


def test_missing_and_unexpected_lines_and_codes():
    marks = {(3, "CEL201", None), (4, "CEL101", 9)}
    found = [(3, "CEL202", 1), (5, "CEL101", 9)]
    assert compare(marks, found) == ([(3, "CEL201"), (4, "CEL101", 9)], found)


def test_fixture_reads_columns_and_checks_them(tmp_path):
    path = tmp_path / "cel999_example.py"
    path.write_text(
        "# select: CEL510\n"
        "send.delay(1, countdown=5)  # expect: CEL102:15, CEL510\n"
        "x = 1\n",
        encoding="utf-8",
    )
    fixture = Fixture(path)
    assert fixture.marks == {(2, "CEL102", 15), (2, "CEL510", None)}
    assert fixture.expected == {(2, "CEL102"), (2, "CEL510")}
    assert "CEL510" in fixture.selected
    assert fixture.mismatches([(2, "CEL102", 15), (2, "CEL510", 1)]) == ([], [])
    assert fixture.mismatches([(2, "CEL102", 1), (2, "CEL510", 1)]) == ([(2, "CEL102", 15)], [(2, "CEL102", 1)])
