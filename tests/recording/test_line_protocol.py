"""The line-protocol encoder: InfluxDB's escaping rules, exact floats, influxdb-client's output."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from influxdb_client.client.write.point import Point
from influxdb_client.domain.write_precision import WritePrecision

from custom_components.cellar_brewpi.recording import Reading, to_line
from tests.recording.standalone import LOAD_RECORDING


def line(
    measurement: str = "m",
    tags: dict[str, str] | None = None,
    fields: dict[str, object] | None = None,
    stamp: int = 1,
) -> str:
    reading = Reading(measurement, tags or {}, fields or {"v": 1}, stamp)  # type: ignore[arg-type]
    return to_line(reading)


@pytest.mark.parametrize(
    ("measurement", "tags", "fields", "expected"),
    [
        # the measurement escapes comma and space, not the equals sign
        ("a b,c=d", {}, {"v": 1.5}, r"a\ b\,c=d v=1.5 1"),
        # tag keys, tag values and field keys escape comma, equals sign and space
        ("m", {"k =,": "v =,"}, {"f =,": 1}, r"m,k\ \=\,=v\ \=\, f\ \=\,=1i 1"),
        # tags and fields sorted by key; an empty tag key or value is left out
        ("m", {"b": "2", "a": "1", "": "x", "e": ""}, {"y": 2, "x": 1}, "m,a=1,b=2 x=1i,y=2i 1"),
        # string values: double-quoted, `"` and `\` escaped, nothing else
        ("m", {}, {"s": 'say "hi" \\ now, a=b'}, r'm s="say \"hi\" \\ now, a=b" 1'),
        # integers get the `i` suffix, booleans true/false (a bool is no integer)
        (
            "m",
            {},
            {"i": -12, "t": True, "f": False, "big": 2**70},
            f"m big={2**70}i,f=false,i=-12i,t=true 1",
        ),
        # None and non-finite floats are left out
        ("m", {}, {"a": None, "b": math.nan, "c": math.inf, "d": -math.inf, "e": 0.5}, "m e=0.5 1"),
        # newlines, tabs and carriage returns in names and tags cannot end the line
        ("m\n", {"t\t": "v\r"}, {"f\n": "x\ny"}, 'm\\n,t\\t=v\\r f\\n="x\ny" 1'),
        # a tag value ending in a backslash would escape what follows: a space is put after it
        ("m", {"path": "C:\\"}, {"v": 1}, "m,path=C:\\  v=1i 1"),
    ],
)
def test_escaping_and_types(
    measurement: str, tags: dict[str, str], fields: dict[str, object], expected: str
) -> None:
    assert line(measurement, tags, fields) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (68.0, "68"),
        (-0.0, "-0"),
        (0.1, "0.1"),
        (68.54, "68.54"),
        (1 / 3, "0.3333333333333333"),
        (1e16, "1e+16"),
        (1.5e-7, "1.5e-07"),
        (2.0**53 + 2, "9007199254740994"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ],
)
def test_floats_are_exact(value: float, text: str) -> None:
    assert line(fields={"v": value}) == f"m v={text} 1"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_reads_back_exactly(value: float) -> None:
    text = line(fields={"v": value}).removeprefix("m v=").removesuffix(" 1")
    assert "i" not in text
    assert float(text) == value
    assert math.copysign(1.0, float(text)) == math.copysign(1.0, value)


def test_nanosecond_timestamp_as_given() -> None:
    assert line(stamp=1_795_257_015_123_456_789).endswith(" v=1i 1795257015123456789")
    assert line(stamp=0).endswith(" 0")


def test_a_reading_without_a_field_left_is_refused() -> None:
    with pytest.raises(ValueError, match="no field"):
        line(fields={"a": None, "b": math.nan})


def test_an_unsupported_field_type_is_refused() -> None:
    with pytest.raises(ValueError, match="'v': bytes"):
        line(fields={"v": b"x"})


# Characters that mean something in line protocol, and any others.
_TEXT = st.text(
    st.one_of(st.sampled_from(list(',= "\\\n\r\t#i.')), st.characters(exclude_categories=["Cs"])),
    max_size=8,
)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.floats(width=32),
    _TEXT,
)


@settings(max_examples=1000)
@given(
    measurement=_TEXT,
    tags=st.dictionaries(_TEXT, _TEXT, max_size=4),
    fields=st.dictionaries(_TEXT, _VALUES, max_size=5),
    stamp=st.integers(min_value=-(2**63), max_value=2**63 - 1),
)
def test_same_as_influxdb_client(
    measurement: str, tags: dict[str, str], fields: dict[str, object], stamp: int
) -> None:
    point = Point.from_dict(
        {"measurement": measurement, "tags": tags, "fields": fields, "time": stamp}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # a measurement starting with '#'
        expected = point.to_line_protocol(WritePrecision.NS)
    reading = Reading(measurement, tags, fields, stamp)  # type: ignore[arg-type]
    if not expected:
        with pytest.raises(ValueError, match="no field"):
            to_line(reading)
    else:
        assert to_line(reading) == expected


def test_the_library_does_not_need_influxdb_client() -> None:
    code = (
        "import sys\n"
        "sys.modules['influxdb_client'] = None  # any import of it fails\n"
        + LOAD_RECORDING
        + "print(recording.to_line(recording.Reading('m', {'t': 'a b'}, {'v': 0.5}, 7)))\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "m,t=a\\ b v=0.5 7\n"
