"""Parser of the Alpha panel's pages: unit tests and property tests over page variations."""

from __future__ import annotations

import math
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.cellar_brewpi.alpha_panel import (
    DEFAULT_LABELS,
    DEFAULT_SLOTS,
    AlphaPanelParseError,
    build_slots,
    make_slot,
    page_path,
    parse_number,
    parse_slot,
    parse_slots,
    parse_values,
    parse_valve,
    write_param,
)

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def page(*blocks: str, tag: str = "Script") -> str:
    """An HTML page with one script block per argument."""
    scripts = "\n".join(f"<{tag}>\n{body}\n</{tag}>" for body in blocks)
    return f"<HTML><HEAD><TITLE>001</TITLE></HEAD><BODY>\n{scripts}\n</BODY></HTML>"


# --- parse_values ---------------------------------------------------------------------------


def test_second_script_block_holds_the_values() -> None:
    text = page(
        'var Pg = "001";',
        'var V = new Array("36.8","34","1","35.7","34","0");\nvar L = new Array("FV 10/1");',
        "document.write(V[0]);",
    )
    assert parse_values(text) == ["36.8", "34", "1", "35.7", "34", "0"]


@pytest.mark.parametrize("tag", ["script", "SCRIPT", "Script", "sCrIpT"])
def test_script_tag_case_does_not_matter(tag: str) -> None:
    text = page('var x = "a";', 'var V = new Array("1","2");', tag=tag)
    assert parse_values(text) == ["1", "2"]


def test_tag_attributes_and_spaced_closing_tag() -> None:
    text = (
        '<script type="text/javascript">var a = "x";</script >'
        '<SCRIPT language="JavaScript">\n  var   V=new Array( "7" ,\n "8" ) ;\n</SCRIPT\t>'
    )
    assert parse_values(text) == ["7", "8"]


def test_values_in_the_only_script_block() -> None:
    assert parse_values(page('var V = ["3", "4"];')) == ["3", "4"]


def test_values_in_a_later_block() -> None:
    text = page('var a = "1";', 'var b = "2";', 'var V = new Array("5");')
    assert parse_values(text) == ["5"]


def test_array_spanning_lines_and_single_quotes() -> None:
    text = page("", "var V = new Array(\n  '36.8',\n  \"34\",\n  '1'\n);")
    assert parse_values(text) == ["36.8", "34", "1"]


def test_statement_without_brackets_ends_at_the_line() -> None:
    text = page("", 'var V = "1"\nvar L = "FV 10/1";')
    assert parse_values(text) == ["1"]


def test_empty_array_is_not_an_error() -> None:
    assert parse_values(page("", "var V = new Array();")) == []


@pytest.mark.parametrize(
    "text",
    ["", "<HTML><BODY>404 Not Found</BODY></HTML>", page('var x = "1";', 'var W = "2";')],
)
def test_page_without_values_names_what_is_missing(text: str) -> None:
    with pytest.raises(AlphaPanelParseError, match='no <script> block with "var V ="'):
        parse_values(text)


def test_page_cut_inside_the_values_block() -> None:
    text = '<Script>var a = 1;</Script><Script>\nvar V = new Array("36.8","3'
    with pytest.raises(AlphaPanelParseError, match="no closing </script>"):
        parse_values(text)


def test_unclosed_array_in_a_closed_block() -> None:
    with pytest.raises(AlphaPanelParseError, match="array is not closed"):
        parse_values(page("", 'var V = new Array("1","2";'))
    with pytest.raises(AlphaPanelParseError, match="array is not closed"):
        parse_values(page("", 'var V = new Array("1","2"'))


def test_unclosed_quote() -> None:
    with pytest.raises(AlphaPanelParseError, match="quoted value"):
        parse_values(page("", 'var V = new Array("1","2);'))


# --- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("36.8", 36.8), (" 34 ", 34.0), ("-2.5", -2.5), ("+3", 3.0), (".5", 0.5), ("0", 0.0)],
)
def test_parse_number_reads_plain_decimals(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1000",
        "1000.0",
        " 1000 ",
        "",
        " ",
        "--",
        "nan",
        "NaN",
        "inf",
        "-Infinity",
        "1e3",
        "1_000",
        "36,8",
        "\u0663\u0664",
        "1" * 400,
        "36.8F",
        "0x10",
    ],
)
def test_parse_number_refuses_sentinels_and_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"), [("1", True), ("0", False), (" 1\n", True), ("2", None), ("", None)]
)
def test_parse_valve(text: str, expected: bool | None) -> None:
    assert parse_valve(text) is expected


def test_unused_slot_is_unknown() -> None:
    reading = parse_slot(["1000", "0", "0"], make_slot(1))
    assert (reading.temperature, reading.set_point, reading.valve_open) == (None, None, False)


def test_sentinel_temperature_keeps_a_real_set_point() -> None:
    reading = parse_slot(["1000", "34", "1"], make_slot(1))
    assert (reading.temperature, reading.set_point, reading.valve_open) == (None, 34.0, True)


def test_zero_set_point_with_a_real_temperature_is_kept() -> None:
    reading = parse_slot(["36.8", "0", "0"], make_slot(1))
    assert (reading.temperature, reading.set_point) == (36.8, 0.0)


def test_short_array_leaves_missing_values_unknown() -> None:
    readings = parse_slots(["36.8", "34", "1", "35.1", "33"], build_slots(3))
    assert readings[1].valve_open is True
    assert (readings[2].temperature, readings[2].set_point, readings[2].valve_open) == (
        35.1,
        33.0,
        None,
    )
    assert (readings[3].temperature, readings[3].set_point, readings[3].valve_open) == (
        None,
        None,
        None,
    )


# --- slots and wire format ------------------------------------------------------------------


def test_default_slots_follow_the_reference_table() -> None:
    assert [slot.number for slot in DEFAULT_SLOTS] == list(range(1, 10))
    for slot in DEFAULT_SLOTS:
        assert slot.address == 116 + slot.number
        assert slot.position == 3 * (slot.number - 1)
        assert (slot.set_point_position, slot.valve_position) == (
            slot.position + 1,
            slot.position + 2,
        )
        assert slot.label == DEFAULT_LABELS[slot.number]


def test_build_slots_beyond_the_reference() -> None:
    slots = build_slots(32, {12: "FV 30/3"})
    assert len(slots) == 32
    assert slots[9].label == "Slot 10"
    assert slots[11].label == "FV 30/3"
    assert (slots[31].address, slots[31].position) == (148, 93)
    with pytest.raises(ValueError, match="start at 1"):
        make_slot(0)


def test_write_param_matches_the_reference_example() -> None:
    assert write_param(make_slot(1), 34.2, 1603071188070) == "1603071188070o3a117t2v342"
    assert write_param(make_slot(9), 65, 1) == "1o3a125t2v650"


def test_page_path() -> None:
    assert [page_path(1), page_path(2), page_path(12)] == ["/001.html", "/002.html", "/012.html"]


# --- properties -----------------------------------------------------------------------------

VALUE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\"'\r\n"),
    max_size=8,
)
SPACE = st.text(alphabet=" \t\n", max_size=3)
INLINE_SPACE = st.text(alphabet=" \t", max_size=3)


@st.composite
def tag_name(draw: st.DrawFn) -> str:
    """`script` in a random mix of upper and lower case."""
    return "".join(char.upper() if draw(st.booleans()) else char for char in "script")


@st.composite
def values_statement(draw: st.DrawFn, values: list[str]) -> str:
    """`var V = ...` in one of its spellings, with random whitespace."""
    quote = draw(st.sampled_from(['"', "'"]))
    separator = draw(st.sampled_from([",", ", ", ",\n", " ,\t"]))
    items = separator.join(f"{quote}{value}{quote}" for value in values)
    opener, closer = draw(st.sampled_from([("new Array(", ")"), ("[", "]")]))
    ending = draw(st.sampled_from([";", "", " ;"]))
    return (
        f"var{draw(INLINE_SPACE)} V{draw(INLINE_SPACE)}={draw(SPACE)}{opener}{draw(SPACE)}"
        f"{items}{draw(SPACE)}{closer}{ending}"
    )


@st.composite
def panel_page(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A page like the panel's with random variations, and the values it holds."""
    values = draw(st.lists(VALUE_TEXT, max_size=40))
    statement = draw(values_statement(values))
    before = draw(st.lists(st.sampled_from(['var Pg = "001";', "function f(){}", ""]), max_size=3))
    after = draw(st.sampled_from(["", '\nvar L = new Array("FV 10/1");', "\n// end"]))
    blocks = [*before, statement + after]
    blocks.extend(draw(st.lists(st.sampled_from(["document.write(V[0]);", ""]), max_size=2)))
    parts = [draw(st.sampled_from(["<HTML>", "", "<html><head>"]))]
    for body in blocks:
        open_tag = draw(tag_name())
        attributes = draw(
            st.sampled_from(["", ' language="JavaScript"', ' type="text/javascript"'])
        )
        close_tag = draw(tag_name())
        parts.append(f"<{open_tag}{attributes}>{draw(SPACE)}{body}{draw(SPACE)}</{close_tag}>")
        parts.append(draw(st.sampled_from(["", "\n", "<TABLE></TABLE>"])))
    return "".join(parts), values


@PROPERTY_SETTINGS
@given(panel_page())
def test_property_page_variations_parse_exactly(generated: tuple[str, list[str]]) -> None:
    text, values = generated
    assert parse_values(text) == values


@PROPERTY_SETTINGS
@given(panel_page(), st.integers(min_value=0, max_value=10_000))
def test_property_truncated_pages_never_invent_values(
    generated: tuple[str, list[str]], cut: int
) -> None:
    text, values = generated
    try:
        parsed = parse_values(text[: cut % (len(text) + 1)])
    except AlphaPanelParseError:
        return
    # A cut page either loses the values block (an error) or keeps all of it.
    assert parsed == values


@PROPERTY_SETTINGS
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=string.printable + "<>/\"'=;()[]"),
        st.lists(
            st.sampled_from(
                [
                    "<script>",
                    "</script>",
                    "<SCRIPT>",
                    "var V =",
                    '"',
                    "'",
                    "(",
                    ")",
                    "[",
                    "]",
                    ";",
                    "\n",
                    "1",
                    "x",
                    " ",
                ]
            )
        ).map("".join),
    )
)
def test_property_garbage_only_raises_parse_errors(text: str) -> None:
    error = ""
    try:
        parsed = parse_values(text)
    except AlphaPanelParseError as err:
        parsed, error = [], str(err)
    assert error or all(value in text for value in parsed)


NUMBER_LIKE = st.one_of(
    st.text(),
    st.from_regex(r"\s*[+-]?\d{0,5}(\.\d{0,3})?\s*", fullmatch=True),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1000", "1000.0", "nan", "inf", "1e5", "0x1", "1_0"]),
)


@PROPERTY_SETTINGS
@given(NUMBER_LIKE)
def test_property_parse_number_never_invents_a_number(text: str) -> None:
    result = parse_number(text)
    if result is None:
        return
    assert result == float(text.strip())
    assert math.isfinite(result)
    assert result != 1000.0
    assert not any(char in text.lower() for char in "enix_")


@PROPERTY_SETTINGS
@given(st.lists(st.one_of(NUMBER_LIKE, st.sampled_from(["0", "1"])), max_size=40))
def test_property_slot_values_come_from_the_array(values: list[str]) -> None:
    for number, reading in parse_slots(values, build_slots(14)).items():
        slot = make_slot(number)
        if reading.temperature is not None:
            assert reading.temperature == float(values[slot.position].strip())
        if reading.set_point is not None:
            assert reading.set_point == float(values[slot.set_point_position].strip())
        if reading.valve_open is not None:
            assert values[slot.valve_position].strip() == ("1" if reading.valve_open else "0")
        if slot.position >= len(values):
            assert (reading.temperature, reading.set_point, reading.valve_open) == (
                None,
                None,
                None,
            )
