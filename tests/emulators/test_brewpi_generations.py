"""The emulator's firmware generations, byte for byte on a raw loopback TCP socket.

The expected lines are the literal example lines of the firmware-formats report (its section in
the comment). `shape()` keeps their format (keys, order, quoting, spaces, decimals) and lets every
number take any value.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import select
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from scripts.emulators.brewpi import FIRMWARES, BrewPiEmulator
from scripts.emulators.brewpi_model import State

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

ROOT = Path(__file__).resolve().parents[2]
ARDUINO = ("avr-0.2", "avr-0.1", "2012")
INVALID = "D:Invalid command received by Arduino: "  # 0.1 and 2012 (section 7)

# ---- literal example lines of the report -----------------------------------------------------
G2_T = (  # section 3, G2/G4/G5
    'T:{"BeerTemp":19.80,"BeerSet":20.00,"BeerAnn":null,"FridgeTemp":18.20,"FridgeSet":17.90,'
    '"FridgeAnn":null,"RoomTemp":21.30,"State":0}'
)
G2_T_NULLS = 'T:{"BeerTemp":null,"BeerSet":null,"BeerAnn":null,"FridgeTemp":18.20,…}'  # section 3
G2_S = 'S:{"mode":"b","beerSet":20.00,"fridgeSet":20.00,"heatEst":0.199,"coolEst":5.000}'
G2_C = (  # section 4, G2/G4/G5
    'C:{"tempFormat":"C","tempSetMin":1.0,"tempSetMax":30.0,"pidMax":10.000,"Kp":5.000,'
    '"Ki":0.250,"Kd":-1.500,"iMaxErr":0.500,"idleRangeH":1.000,"idleRangeL":-1.000,'
    '"heatTargetH":0.301,"heatTargetL":-0.199,"coolTargetH":0.199,"coolTargetL":-0.301,'
    '"maxHeatTimeForEst":600,"maxCoolTimeForEst":1200,"fridgeFastFilt":1,"fridgeSlowFilt":4,'
    '"fridgeSlopeFilt":3,"beerFastFilt":3,"beerSlowFilt":4,"beerSlopeFilt":5,"lah":0,"hs":1}'
)
G2_D = 'd:[{"i":0,"t":4,…},{"i":2,…}]'  # section 6, without the log message spliced into it
G2_LOG_INVALID = 'D:{"logType":"W","logID":1,"V":[120]}'  # section 7
G2_LOG_SETTING = 'D:{"logType":"I","logID":12,"V":["mode","b"]}'  # section 7
G1_N = "N:0.1.0"  # section 1
G1_T = (  # section 3
    'T:{"BeerTemp": 19.80,"BeerSet": 20.00,"BeerAnn":null,"FridgeTemp": 18.20,'
    '"FridgeSet": 17.90,"FridgeAnn":null,"State":0}'
)
G1_S = 'S:{"mode":"b","beerSet": 20.00,"fridgeSet": 20.00,"heatEst": 0.199,"coolEst": 5.000}'
G1_C = (  # section 4
    'C:{"tempFormat":"C","tempSetMin": 1.0,"tempSetMax": 30.0,"Kp": 20.000,"Ki": 0.600,'
    '"Kd":-3.000,"iMaxErr": 0.500,…,"maxHeatTimeForEst":"600","maxCoolTimeForEst":"1200",'
    '"fridgeFastFilt":"1",…}'
)
G1_KEYS = [  # section 4: tempFormat present, no pidMax, lah, hs
    *("tempFormat", "tempSetMin", "tempSetMax", "Kp", "Ki", "Kd", "iMaxErr"),
    *("idleRangeH", "idleRangeL", "heatTargetH", "heatTargetL", "coolTargetH", "coolTargetL"),
    *("maxHeatTimeForEst", "maxCoolTimeForEst", "fridgeFastFilt", "fridgeSlowFilt"),
    *("fridgeSlopeFilt", "beerFastFilt", "beerSlowFilt", "beerSlopeFilt"),
]
G1_V = (  # section 5 (G1 prints a leading space in positive numbers)
    'V:{"beerDiff": 0.000,"diffIntegral": 0.000,"beerSlope": 0.000,"p": 0.000,"i": 0.000,'
    '"d": 0.000,"estPeak": 20.000,"negPeakEst": 0.000,"posPeakEst": 0.000,"negPeak": 0.000,'
    '"posPeak": 0.000}'
)
G0_T = (  # section 3
    'T:{"BeerTemp": 19.80,"BeerSet": 20.00,"BeerAnn":null,"FridgeTemp": 18.20,'
    '"FridgeSet": 17.90,"FridgeAnn":null}'
)
G0_S = (  # section 4
    'S:{"mode":"b","beerSetting": 20.00,"fridgeSetting": 20.00,"heatEstimator": 0.199,'
    '"coolEstimator": 5.000}'
)
G0_C = 'C:{"tempFormat":"C","tempSettingMin": 4.0,"tempSettingMax": 30.0,"KpHeat": 10.000,…,"beerSlopeFilter":4}'  # noqa: E501
G0_KEYS = [  # section 4, in the order listed
    *("tempFormat", "tempSettingMin", "tempSettingMax"),
    *("KpHeat", "KpCool", "Ki", "KdCool", "KdHeat", "iMaxError", "iMaxSlope", "iMinSlope"),
    *("idleRangeHigh", "idleRangeLow", "heatingTargetUpper", "heatingTargetLower"),
    *("coolingTargetUpper", "coolingTargetLower", "maxHeatTimeForEstimate"),
    *("maxCoolTimeForEstimate", "fridgeFastFilter", "fridgeSlowFilter", "fridgeSlopeFilter"),
    *("beerFastFilter", "beerSlowFilter", "beerSlopeFilter"),
]
G0_V = (  # section 5
    'V:{"beerDiff": 0.000,"diffIntegral": 0.000,"beerSlope": 0.000,"p": 0.000,"i": 0.000,'
    '"d": 0.000,"Kp": 10.000,"Kd":-5.000,"estimatedPeak": 20.000,"negPeakSetting":…,'
    '"posPeakSetting":…,"negPeak":…,"posPeak":…}'
)
MODE_NOTE = '"FridgeAnn":"Mode set to b in web interface"'  # section 3, annotated
BEER_NOTE = '"BeerAnn":"Beer temp set to 20.0 in web interface{}"'  # "." before 0.2
J_WRITE = b'j{mode:"b",beerSet:18.5}'
_NUMBER = re.compile(r"-?\d+(?:\.(\d+))?")


def shape(example: str) -> re.Pattern[str]:
    """The example line as a pattern: any number in the same format; `…` stands for anything."""
    parts, pos = [], 0
    for match in _NUMBER.finditer(example):
        parts.append(_literal(example[pos : match.start()]))
        sign, decimals = "-" if match.group().startswith("-") else "", match.group(1)
        parts.append(sign + r"\d+" + (rf"\.\d{{{len(decimals)}}}" if decimals else ""))
        pos = match.end()
    parts.append(_literal(example[pos:]))
    return re.compile("".join(parts))


def _literal(text: str) -> str:
    return ".*?".join(re.escape(piece) for piece in text.split("…"))


def beer_key(firmware: str) -> bytes:
    """The `j` key of the beer setting."""
    return b"beerSetting" if firmware == "2012" else b"beerSet"


def annotated(example: str, note: str) -> str:
    """A `T:` example carrying an annotation."""
    key = note.split(":", 1)[0]
    return example.replace(f"{key}:null", note)


class Wire:
    """A raw TCP connection: bytes in, bytes out."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def ask(self, data: bytes, within: float = 2.0) -> bytes:
        """Send `data`; everything that arrives until the line is quiet for 0.1 s."""
        self.writer.write(data)
        await self.writer.drain()
        return await self.quiet(within)

    async def quiet(self, first: float = 0.3) -> bytes:
        """Everything that arrives (waiting up to `first` for the start) until 0.1 s of quiet."""
        out, wait = b"", first
        with contextlib.suppress(TimeoutError):
            while chunk := await asyncio.wait_for(self.reader.read(65536), wait):
                out, wait = out + chunk, 0.1
        return out


class Controllers:
    def __init__(self) -> None:
        self.emulators: list[BrewPiEmulator] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def connect(self, **kwargs: Any) -> tuple[BrewPiEmulator, Wire]:
        emulator = BrewPiEmulator(**{"speedup": 0.0, "seed": 7, **kwargs})
        self.emulators.append(emulator)
        port = await emulator.start_tcp()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        self.writers.append(writer)
        return emulator, Wire(reader, writer)


@pytest.fixture
async def controllers(socket_enabled: None) -> AsyncIterator[Controllers]:
    controllers = Controllers()
    yield controllers
    for writer in controllers.writers:
        writer.close()
    for emulator in controllers.emulators:
        await emulator.stop()


def lines(data: bytes, eol: bytes) -> list[str]:
    """The lines of `data`, which must end with `eol` (cp437 decoded)."""
    assert data.endswith(eol), data
    return data[: -len(eol)].decode("cp437").split(eol.decode())


def one_line(data: bytes, eol: bytes) -> str:
    """The only line of `data`."""
    (only,) = lines(data, eol)
    return only


def assert_lcd(data: bytes, eol: bytes, *, br: bool = False) -> None:
    """Four 20-character lines with the degree sign as byte 0xB0 (section 2)."""
    assert data.endswith(eol)
    assert b"\xb0C" in data
    body = data[: -len(eol)].decode("cp437")
    if br:  # L:line<BR>line<BR>line<BR>line<BR>
        assert re.fullmatch(r"L:(?:[^<]{20}<BR>){4}", body), body
    else:  # L:["…","…","…","…"], not JSON-escaped
        assert re.fullmatch(r'L:\[(?:"[^"]{20}",){3}"[^"]{20}"\]', body), body


def test_shape_keeps_the_format() -> None:
    assert shape(G1_T).fullmatch(G1_T.replace("19.80", "107.25"))  # any value
    assert not shape(G1_T).fullmatch(G1_T.replace(" 19.80", "19.80"))  # the leading space
    assert not shape(G2_T).fullmatch(G2_T.replace("19.80", "19.8"))  # the decimals
    assert not shape(G2_T).fullmatch(G2_T.replace("19.80", '"19.80"'))  # the quoting
    assert shape(G1_C).fullmatch(G1_C.replace("…", '"x":1'))


# ---- one generation each --------------------------------------------------------------------
async def test_avr_02_replies(controllers: Controllers) -> None:
    emulator, wire = await controllers.connect(firmware="avr-0.2")
    crlf = b"\r\n"
    assert await wire.ask(b"n") == b'N:{"v":"0.2.7","n":47,"s":2,"y":0,"b":"s","l":"1"}\r\n'
    assert shape(G2_T).fullmatch(one_line(await wire.ask(b"t"), crlf))
    assert shape(G2_S).fullmatch(one_line(await wire.ask(b"s"), crlf))
    assert shape(G2_C).fullmatch(one_line(await wire.ask(b"c"), crlf))
    assert_lcd(await wire.ask(b"l"), crlf)
    (listed,) = lines(await wire.ask(b"d{v:1}"), crlf)  # 0.2 reads values on "r", not "v"
    assert shape(G2_D).fullmatch(listed)
    devices = json.loads(listed[2:])
    assert [list(device)[:8] for device in devices] == [list("itcbfhdp")] * len(devices)
    assert [(d["f"], d["t"]) for d in devices] == [(2, 3), (3, 3), (9, 1), (5, 1), (6, 1)]
    assert all("v" not in device for device in devices)
    assert "v" in json.loads(lines(await wire.ask(b"d{r:1}"), crlf)[0][2:])[2]

    replies = lines(await wire.ask(J_WRITE + b"\n"), crlf)  # CR and LF between commands: skipped
    assert replies[0] == G2_LOG_SETTING
    assert shape(annotated(G2_T, MODE_NOTE)).fullmatch(replies[1])
    assert replies[2] == 'D:{"logType":"I","logID":12,"V":["beerSet","18.5"]}'
    note = BEER_NOTE.format("").replace("20.0", "18.5")
    assert shape(annotated(G2_T, note)).fullmatch(replies[3])
    assert '"BeerSet":20.00' in replies[3]  # annotated before the setting is applied
    assert shape(G2_S).fullmatch(replies[4])
    assert '"beerSet":18.50' in replies[4]
    assert shape(G2_C).fullmatch(replies[5])
    assert len(replies) == 6
    assert (emulator.mode, emulator.beer_set) == ("b", 18.5)

    assert await wire.ask(b"x") == G2_LOG_INVALID.encode() + crlf
    assert await wire.ask(b" ") == b'D:{"logType":"W","logID":1,"V":[32]}\r\n'  # not skipped
    assert await wire.ask(b"\xb0") == b'D:{"logType":"W","logID":1,"V":[-80]}\r\n'  # char


async def test_avr_01_replies(controllers: Controllers) -> None:
    emulator, wire = await controllers.connect(firmware="avr-0.1")
    lf = b"\n"
    assert await wire.ask(b"n") == G1_N.encode() + lf
    assert shape(G1_T).fullmatch(one_line(await wire.ask(b"t"), lf))  # no RoomTemp in 0.1
    assert shape(G1_S).fullmatch(one_line(await wire.ask(b"s"), lf))
    (constants,) = lines(await wire.ask(b"c"), lf)
    assert shape(G1_C).fullmatch(constants)
    assert list(json.loads(constants[2:])) == G1_KEYS
    assert_lcd(await wire.ask(b"l"), lf)

    # No device manager: every byte is a command of its own, and the "v" answers V:.
    replies = lines(await wire.ask(b"d{v:1}"), lf)
    assert replies[:2] == [INVALID + "d", INVALID + "{"]
    assert shape(G1_V).fullmatch(replies[2])
    assert replies[3:] == [INVALID + ":", INVALID + "1", INVALID + "}"]

    replies = lines(await wire.ask(J_WRITE), lf)
    assert replies[0] == "D:Received new setting: mode = b"  # section 7
    assert shape(annotated(G1_T, MODE_NOTE)).fullmatch(replies[1])
    assert replies[2] == "D:Received new setting: beerSet = 18.5"
    note = BEER_NOTE.format(".").replace("20.0", "18.5")
    assert shape(annotated(G1_T, note)).fullmatch(replies[3])
    assert shape(G1_S).fullmatch(replies[4])
    assert '"beerSet": 18.50' in replies[4]
    assert shape(G1_C).fullmatch(replies[5])
    assert len(replies) == 6
    assert emulator.beer_set == 18.5
    assert await wire.ask(b"x") == b"D:Invalid command received by Arduino: x\n"


async def test_2012_replies(controllers: Controllers) -> None:
    emulator, wire = await controllers.connect(firmware="2012")
    lf = b"\n"
    assert await wire.ask(b"n") == b"D:Invalid command received by Arduino: n\n"  # section 1
    assert shape(G0_T).fullmatch(one_line(await wire.ask(b"t"), lf))  # no State, no RoomTemp
    assert shape(G0_S).fullmatch(one_line(await wire.ask(b"s"), lf))
    (constants,) = lines(await wire.ask(b"c"), lf)
    assert shape(G0_C).fullmatch(constants)
    assert list(json.loads(constants[2:])) == G0_KEYS
    assert_lcd(await wire.ask(b"l"), lf, br=True)

    replies = lines(await wire.ask(b"d{v:1}"), lf)
    assert replies[:2] == [INVALID + "d", INVALID + "{"]
    assert shape(G0_V).fullmatch(replies[2])
    assert replies[3:] == [INVALID + ":", INVALID + "1", INVALID + "}"]

    replies = lines(await wire.ask(J_WRITE), lf)  # beerSet is not a 2012 key
    assert replies[0] == "D:Received new setting: mode = b"
    assert shape(annotated(G0_T, MODE_NOTE)).fullmatch(replies[1])
    assert replies[2:4] == ["D:Received new setting: beerSet = 18.5", "D:Could not process setting"]
    assert shape(G0_S).fullmatch(replies[4])
    assert shape(G0_C).fullmatch(replies[5])
    assert len(replies) == 6
    assert emulator.beer_set == 20

    replies = lines(await wire.ask(b"j{beerSetting:18.5}"), lf)
    note = BEER_NOTE.format(".").replace("20.0", "18.5")
    assert shape(annotated(G0_T, note)).fullmatch(replies[1])
    assert '"beerSetting": 18.50' in replies[2]
    assert emulator.beer_set == 18.5


# ---- quirks ---------------------------------------------------------------------------------
async def test_avr_02_nulls_and_room_sensor(controllers: Controllers) -> None:
    emulator, wire = await controllers.connect(firmware="avr-0.2", room_sensor=False)
    without_room = G2_T.replace('"RoomTemp":21.30,', "")
    assert shape(without_room).fullmatch(one_line(await wire.ask(b"t"), b"\r\n"))
    emulator.beer_probe = False
    await wire.ask(b'j{mode:"o"}')
    (temps,) = lines(await wire.ask(b"t"), b"\r\n")
    assert shape(G2_T_NULLS).fullmatch(temps)
    assert '"FridgeSet":null' in temps
    assert '"beerSet":null,"fridgeSet":null' in (await wire.ask(b"s")).decode()


async def test_avr_02_logs_a_missing_brace_inside_the_list(controllers: Controllers) -> None:
    _emulator, wire = await controllers.connect(firmware="avr-0.2")
    data = await wire.ask(b"d\n")  # parseJson reads the LF instead of "{" (section 6)
    assert data.startswith(b'd:[D:{"logType":"E","logID":10,"V":[10]}\r\n{"i":0,"t":3,')
    assert data.endswith(b"}]\r\n")
    assert (await wire.ask(b"h{u:-1}")).startswith(b'h:[{"i":-1,"t":0,"c":1,"b":0,"f":0,"h":1')
    updated = await wire.ask(b"U{i:6,c:1,f:1,h:1,p:13,x:1}")
    assert updated == b'U:{"i":6,"t":2,"c":1,"b":0,"f":1,"h":1,"d":0,"p":13,"x":1}\r\n'
    assert await wire.ask(b"U{f:1}", within=0.3) == b""  # no slot, no answer
    replies = lines(await wire.ask(b"j\n"), b"\r\n")  # j without "{": logged, still answered
    assert replies[0] == 'D:{"logType":"E","logID":10,"V":[10]}'
    assert [reply[:2] for reply in replies[1:]] == ["S:", "C:"]


async def test_avr_02_tokenizer(controllers: Controllers) -> None:
    emulator, wire = await controllers.connect(firmware="avr-0.2")
    replies = lines(await wire.ask(b"j{mode:f, fridgeSet:12,unknown:1}"), b"\r\n")
    assert (emulator.mode, emulator.fridge_set) == ("f", 12)  # bare or quoted: the same
    assert 'D:{"logType":"I","logID":12,"V":["unknown","1"]}' in replies
    assert 'D:{"logType":"W","logID":0,"V":[]}' in replies  # WARNING_COULD_NOT_PROCESS_SETTING
    assert [reply[:2] for reply in replies[-2:]] == ["S:", "C:"]
    replies = lines(await wire.ask(b'j{"fridgeSet":"10"'), b"\r\n")  # no brace: S: and C: anyway
    assert emulator.fridge_set == 10
    assert [reply[:2] for reply in replies[-2:]] == ["S:", "C:"]


@pytest.mark.parametrize("firmware", ["avr-0.1", "2012"])
async def test_receive_json_answers_only_after_the_brace(
    controllers: Controllers, firmware: str
) -> None:
    emulator, wire = await controllers.connect(firmware=firmware)
    key = "beerSetting" if firmware == "2012" else "beerSet"
    replies = lines(await wire.ask(f"j{{mode:f, {key}:15.0".encode()), b"\n")  # the 2012 host
    assert replies[0] == "D:Received new setting: mode = f"
    assert replies[2] == f"D:Received new setting: {key} = 15.0"
    assert [reply[:2] for reply in replies] == ["D:", "T:", "D:", "T:"]  # applied, no S:/C:
    assert emulator.mode == "f"
    replies = lines(await wire.ask(b"\r\n"), b"\n")  # CR and LF are invalid commands too
    assert replies == [INVALID + "\r", INVALID, ""]


async def test_arduino_sends_no_unsolicited_temperatures(controllers: Controllers) -> None:
    for firmware in ARDUINO:
        emulator, wire = await controllers.connect(firmware=firmware)
        await wire.ask(b'j{mode:"b",%s:15}' % beer_key(firmware))
        emulator.advance(601)
        assert emulator.state == State.COOLING
        assert await wire.quiet() == b""
    emulator, wire = await controllers.connect(firmware="esp")
    await wire.ask(b'j{mode:"b",beerSet:15}\n')
    emulator.advance(601)
    unsolicited = await wire.quiet()  # (WAITING_TO_COOL came with the reply to j)
    assert (unsolicited.count(b"T:{"), unsolicited.count(b'"State":4}')) == (1, 1)


# ---- every generation -----------------------------------------------------------------------
@pytest.mark.parametrize("firmware", FIRMWARES)
async def test_faults_in_every_generation(controllers: Controllers, firmware: str) -> None:
    emulator, wire = await controllers.connect(firmware=firmware)
    eol = emulator.dialect.eol
    clean = await wire.ask(b"c")
    emulator.faults.byte_at_a_time = True
    assert await wire.ask(b"c") == clean
    emulator.faults.byte_at_a_time = False
    emulator.faults.garbage_rate = 1.0
    junk, reply, rest = (await wire.ask(b"s")).split(eol)
    assert (len(junk) >= 3, reply[:3], rest) == (True, b"S:{", b"")
    emulator.faults.garbage_rate = 0.0
    emulator.faults.truncate_rate = 1.0
    cut = await wire.ask(b"s")
    emulator.faults.truncate_rate = 0.0
    glued = cut + await wire.ask(b"t")
    assert (glued[:3], glued.count(eol), glued.endswith(eol)) == (b"S:{", 1, True)
    assert b"T:{" in glued[3:]  # the next line follows the cut one without a line end
    emulator.faults.ignore_writes = True
    settings = await wire.ask(b'j{mode:"o"}')
    assert b'"mode":"b"' in settings
    assert emulator.mode == "b"
    emulator.faults.ignore_writes = False
    emulator.faults.stall = True
    assert await wire.ask(b"t", within=0.3) == b""
    assert emulator.commands_received[-1] == "t"


@pytest.mark.parametrize("firmware", FIRMWARES)
async def test_the_thermal_model_is_shared(controllers: Controllers, firmware: str) -> None:
    emulator, wire = await controllers.connect(firmware=firmware)
    await wire.ask(b'j{mode:"b",%s:15}' % beer_key(firmware))
    emulator.advance(4 * 3600)
    reference = BrewPiEmulator(speedup=0.0, seed=7)
    reference.set_beer_setting(15.0)
    reference.check_state()  # as the emulator does after every command
    reference.advance(4 * 3600)
    assert emulator.state_history == reference.state_history
    assert emulator.chamber == reference.chamber


@pytest.mark.parametrize("firmware", FIRMWARES)
async def test_lcd_degree_sign_is_byte_b0(controllers: Controllers, firmware: str) -> None:
    emulator, wire = await controllers.connect(firmware=firmware, temp_format="F")
    data = await wire.ask(b"l")
    assert data.count(b"\xb0F") == 2
    assert data.endswith(emulator.dialect.eol)


def test_firmware_keyword() -> None:
    assert BrewPiEmulator(legacy=True).firmware == "esp-v11"
    assert BrewPiEmulator(legacy=True, firmware="esp-v11").legacy
    assert not BrewPiEmulator().legacy
    assert [BrewPiEmulator(firmware=f).board for f in FIRMWARES] == ["e", "e", "s", "s", "l"]
    assert BrewPiEmulator(firmware="avr-0.2", board="m").board == "m"
    with pytest.raises(ValueError, match="unknown firmware"):
        BrewPiEmulator(firmware="0.4")
    with pytest.raises(ValueError, match="esp-v11"):
        BrewPiEmulator(firmware="avr-0.1", legacy=True)


def test_cli_firmware_option(socket_enabled: None) -> None:
    command = [sys.executable, "-m", "scripts.emulators.brewpi", "--port", "0", "--speedup", "0"]
    command += ["--firmware", "avr-0.1"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 10)
        assert ready, "the CLI printed nothing"
        match = re.search(r":(\d+)$", proc.stdout.readline().strip())
        assert match
        with socket.create_connection(("127.0.0.1", int(match.group(1))), timeout=5) as sock:
            sock.sendall(b"n")
            assert sock.recv(4096) == b"N:0.1.0\n"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
