"""Tests of the line framer: line ends, cp437, D: messages inside lines, over-long lines."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.cellar_brewpi.brewpi.framing import MAX_LINE, LineFramer
from custom_components.cellar_brewpi.brewpi.parser import parse_line

LOG_LINE = b'D:{"logType":"W","logID":2,"V":[0,"28FF4A1234567890"]}'
STREAM = (
    b'N:{"v":"0.2.4","n":"6c2a1b3","c":"v0.15","s":0,"y":0,"b":"e","l":"3","e":"0.15"}\r\n'
    b'T:{"BeerTemp":19.5,"BeerSet":20.0,"BeerAnn":null,"FridgeTemp":18.1,'
    b'"FridgeSet":18.0,"FridgeAnn":null,"RoomTemp":"","State":3}\r\n'
    b'L:["Mode   Beer Const.","Beer   19.5 20.0 \xb0C","Fridge 18.1 18.0 \xb0C","Heating"]\r\n'
    b'T:{"bt":19.52,"ft":18.1' + LOG_LINE + b'\r\n,"s":0}\r\n'
    b'Invalid command received "q" (0x71)\r\n'
    b'S:{"mode":"b","beerSet":20.0,"fridgeSet":18.0,"heatEst":0.2,"coolEst":5.0}\n'
)


def frame(chunks: list[bytes]) -> list[str]:
    framer = LineFramer()
    lines: list[str] = []
    for chunk in chunks:
        lines.extend(framer.feed(chunk))
    return lines


def test_lines_are_split_decoded_and_stripped() -> None:
    framer = LineFramer()
    assert framer.feed(b'T:{}\r\n\r\nS:{}\nL:["25\xb0C"]\r') == ["T:{}", "S:{}"]
    assert framer.buffered == len(b'L:["25\xb0C"]\r')
    assert framer.feed(b"\n") == ['L:["25°C"]']
    assert framer.counters.lines == 3
    assert framer.buffered == 0


def test_log_message_inside_a_line_is_split_out() -> None:
    lines = frame([STREAM])
    assert lines[3] == LOG_LINE.decode()
    assert lines[4] == 'T:{"bt":19.52,"ft":18.1,"s":0}'
    assert len(lines) == 7


def test_log_message_alone_is_counted() -> None:
    framer = LineFramer()
    assert framer.feed(LOG_LINE + b"\r\n" + LOG_LINE + b"\n") == [LOG_LINE.decode()] * 2
    assert framer.counters.log_messages == 2


def test_line_with_d_text_but_no_closing_brace_is_kept() -> None:
    assert frame([b"X D:{ not a log\r\n"]) == ["X D:{ not a log"]


def test_overlong_line_is_discarded_and_counted() -> None:
    framer = LineFramer()
    assert framer.feed(b"T:" + b"9" * (MAX_LINE + 10)) == []
    assert framer.buffered == 0
    assert framer.counters.discarded_overlong == 1
    assert framer.feed(b"still the same long line\nS:{}\n") == ["S:{}"]
    assert framer.counters.discarded_overlong == 1


def test_overlong_line_in_one_chunk_is_discarded() -> None:
    framer = LineFramer(max_line=10)
    assert framer.feed(b"0123456789A\nshort\n0123456789\n") == ["short", "0123456789"]
    assert framer.counters.discarded_overlong == 1


def test_reset_drops_partial_line_and_keeps_counters() -> None:
    framer = LineFramer()
    framer.feed(b"T:{}\nS:{")
    framer.reset()
    assert framer.feed(b"}\nC:{}\n") == ["}", "C:{}"]
    assert framer.counters.lines == 3


@st.composite
def splits(draw: st.DrawFn, data: bytes) -> list[bytes]:
    """Cut `data` at arbitrary points (possibly every byte)."""
    if draw(st.booleans()):
        return [data[i : i + 1] for i in range(len(data))]
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(data) - 1), max_size=40)))
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in pairwise(bounds)]


@settings(max_examples=500, deadline=None)
@given(chunks=splits(STREAM))
def test_any_split_gives_the_same_lines(chunks: list[bytes]) -> None:
    assert b"".join(chunks) == STREAM
    assert frame(chunks) == frame([STREAM])


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.binary(max_size=60).map(lambda b: b.replace(b"\n", b"")), min_size=1, max_size=12
    ),
    data=st.data(),
)
def test_any_split_of_random_lines_gives_the_same_lines(
    lines: list[bytes], data: st.DataObject
) -> None:
    stream = b"\n".join(lines) + b"\n"
    if len(stream) < 2:
        return
    chunks = data.draw(splits(stream))
    framer_whole, framer_split = LineFramer(max_line=40), LineFramer(max_line=40)
    split_lines = [line for chunk in chunks for line in framer_split.feed(chunk)]
    assert split_lines == framer_whole.feed(stream)
    assert framer_split.counters == framer_whole.counters


@settings(max_examples=300, deadline=None)
@given(chunks=st.lists(st.binary(max_size=300), max_size=30))
def test_arbitrary_bytes_never_raise_and_stay_bounded(chunks: list[bytes]) -> None:
    framer = LineFramer(max_line=64)
    for chunk in chunks:
        for line in framer.feed(chunk):
            assert "\n" not in line
            assert len(line) <= 64
            parse_line(line)
        assert framer.buffered <= 64


def test_endless_line_never_grows_the_buffer() -> None:
    framer = LineFramer()
    for _ in range(100):
        assert framer.feed(b"x" * 1000) == []
        assert framer.buffered <= MAX_LINE
    assert framer.counters.discarded_overlong == 1
