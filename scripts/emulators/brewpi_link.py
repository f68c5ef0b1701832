"""Links (TCP, PTY), fault knobs and command readers of the BrewPi emulator.

Two readers split the host's bytes into commands:

* `CommandReader`, the BrewPi-ESP firmware (CommandProcessor::receiveCommand): bytes outside
  ASCII 65..122 are skipped while waiting for a command (legacy ESP: only spaces, CR, LF and some
  telnet bytes); a JSON command collects a whole document, parsed leniently like ArduinoJson.
* `AvrReader`, the Arduino firmware (PiLink::receive): every byte is a command. The JSON after
  `j` (and, from 0.2, after `d`, `h`, `U`) is read with the firmware's tokenizer from the bytes
  already received only, as the firmware reads `while (Serial.available())`; what the tokenizer
  leaves is read as commands again.
"""

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from scripts.emulators.brewpi_json import JsonError, LenientJson

JSON_COMMANDS = frozenset("jdhUEXo")
LEGACY_SKIP = frozenset(b" \r\n\x01\x03\x1d\x1f'\xfb\xfd\xff")
MAX_TOKEN = 29  # the AVR key and value buffers hold 29 characters


@dataclass
class Faults:
    """Misbehaviour to inject; change the fields at any time."""

    stall: bool = False  # read commands, answer nothing, send no T:
    garbage_rate: float = 0.0  # chance per line of a junk line (NUL, controls, 0x80+) before it
    truncate_rate: float = 0.0  # chance to cut a JSON line; the next line follows without CRLF
    corrupt_rate: float = 0.0  # chance to overwrite a few bytes inside a JSON line (line noise)
    byte_at_a_time: bool = False  # one byte per write, with a drain after each
    ignore_writes: bool = False  # accept j/X commands but change nothing


@dataclass(frozen=True)
class Command:
    """One command: its character, the text it took, and its argument as read."""

    char: str
    raw: str
    doc: dict[str, Any] | None = None  # ESP: the parsed JSON document
    error: str | None = None  # ESP: why the JSON was rejected (ArduinoJson's name)
    pairs: tuple[tuple[str, str], ...] = field(default=())  # AVR: key/value tokens, in order
    closed: bool = False  # AVR 0.1/2012: the closing brace was read
    bracket: int | None = None  # AVR 0.2: the byte read instead of "{" (-1: none available)


class Reader(Protocol):
    """Splits a byte stream into commands."""

    def feed(self, data: bytes) -> list[Command]:
        """Return the commands completed by `data`."""
        ...


class CommandReader:
    """Splits a byte stream into commands like CommandProcessor::receiveCommand."""

    def __init__(self, *, legacy: bool) -> None:
        self.legacy = legacy
        self._cmd = ""  # a JSON command waiting for its document
        self._buf: bytearray | None = None  # the document being collected
        self._depth, self._quote, self._escape = 0, 0, False

    def feed(self, data: bytes) -> list[Command]:
        """Return the commands completed by `data`."""
        out: list[Command] = []
        for byte in data:
            if self._buf is not None:
                if cmd := self._collect(self._buf, byte):
                    out.append(cmd)
            elif self._cmd:
                self._start_json(byte, out)
            elif byte not in LEGACY_SKIP if self.legacy else 65 <= byte <= 122:
                self._command(chr(byte), out)  # modern firmware skips bytes outside A..z
        return out

    def _command(self, char: str, out: list[Command]) -> None:
        if char in JSON_COMMANDS:
            self._cmd = char
        else:
            out.append(Command(char, char))

    def _start_json(self, byte: int, out: list[Command]) -> None:
        if byte in b" \t":
            return
        if byte == ord("{"):
            self._buf, self._depth, self._quote, self._escape = bytearray(b"{"), 1, 0, False
            return
        error = "EmptyInput" if byte in b"\r\n" else "InvalidInput"
        out.append(Command(self._cmd, self._cmd, None, error))
        self._cmd = ""

    def _collect(self, buf: bytearray, byte: int) -> Command | None:
        buf.append(byte)
        if self._quote:
            if self._escape:
                self._escape = False
            elif byte == ord("\\"):
                self._escape = True
            elif byte == self._quote:
                self._quote = 0
        elif byte in b"\"'":
            self._quote = byte
        elif byte in b"{}":
            self._depth += 1 if byte == ord("{") else -1
        if self._depth and len(buf) < 2048:
            return None
        cmd, text = self._cmd, buf.decode("cp437")
        self._cmd, self._buf = "", None
        if self._depth:
            return Command(cmd, cmd + text, None, "NoMemory")
        try:
            doc = LenientJson.parse(text)
        except JsonError as err:
            return Command(cmd, cmd + text, None, err.reason)
        return Command(cmd, cmd + text, doc if isinstance(doc, dict) else {})


class AvrReader:
    """Splits bytes like the Arduino firmware's PiLink::receive (see the module docstring).

    `tokenizer` selects 0.2's parseJsonToken (splits on `,` and `:`, drops spaces and `"`, stops
    at `}`, a leading `{` required); otherwise 0.1's and 2012's receiveJson (a key runs to `:`
    without spaces, `{` and `"`; a value to `,` or `}` without spaces and `"`).
    """

    def __init__(self, *, json_commands: frozenset[str], skip: bytes, tokenizer: bool) -> None:
        self.json_commands, self.skip, self.tokenizer = json_commands, skip, tokenizer

    def feed(self, data: bytes) -> list[Command]:
        """Return the commands in `data` (an argument ends with the bytes received)."""
        out: list[Command] = []
        pos = 0
        while pos < len(data):
            byte = data[pos]
            pos += 1
            if byte in self.skip:
                continue
            char = bytes([byte]).decode("cp437")
            if char not in self.json_commands:
                out.append(Command(char, char))
                continue
            start = pos
            if self.tokenizer:
                pairs, bracket, pos = _parse_json(data, pos)
                closed = False
            else:
                pairs, closed, pos = _receive_json(data, pos)
                bracket = None
            raw = char + data[start:pos].decode("cp437")
            out.append(Command(char, raw, pairs=tuple(pairs), closed=closed, bracket=bracket))
        return out


def _receive_json(data: bytes, pos: int) -> tuple[list[tuple[str, str]], bool, int]:
    """PiLink::receiveJson of 0.1 and 2012: (pairs, closing brace seen, position after)."""
    pairs: list[tuple[str, str]] = []
    last = -1
    while pos < len(data):
        key = bytearray()
        while pos < len(data):
            last = data[pos]
            pos += 1
            if last == ord(":"):
                break
            if last not in b' {"':
                key.append(last)
            if len(key) >= MAX_TOKEN:
                return pairs, False, pos  # too long: nothing more is processed
        val = bytearray()
        while pos < len(data):
            last = data[pos]
            pos += 1
            if last in b",}":
                break
            if last not in b' "':
                val.append(last)
            if len(val) >= MAX_TOKEN:
                return pairs, False, pos
        pairs.append((key.decode("cp437"), val.decode("cp437")))
        if last == ord("}"):
            return pairs, True, pos
    return pairs, False, pos


def _parse_json(data: bytes, pos: int) -> tuple[list[tuple[str, str]], int | None, int]:
    """PiLink::parseJson of 0.2: (pairs, the byte read instead of "{" or None, position after)."""
    if pos >= len(data) or data[pos] != ord("{"):
        return [], (data[pos] if pos < len(data) else -1), min(pos + 1, len(data))
    pos += 1
    pairs: list[tuple[str, str]] = []
    key = val = ""
    more = True
    while more:
        key, more, pos = _token(data, pos)
        if more:  # `parseJsonToken(key) && parseJsonToken(val)`: val keeps its old text otherwise
            val, more, pos = _token(data, pos)
        if key and val:
            pairs.append((key, val))
    return pairs, None, pos


def _token(data: bytes, pos: int) -> tuple[str, bool, int]:
    """parseJsonToken: (text, another token follows, position after)."""
    out = bytearray()
    while True:
        char = data[pos] if pos < len(data) else -1
        pos = min(pos + 1, len(data))
        if len(out) == MAX_TOKEN or char in {ord("}"), -1}:
            return out.decode("cp437"), False, pos
        if char in {ord(","), ord(":")}:
            return out.decode("cp437"), True, pos
        if char not in {ord(" "), ord('"')}:
            out.append(char)


class Host(Protocol):
    """What a link needs from the emulator."""

    faults: Faults

    def new_reader(self) -> Reader:
        """A command reader for a new connection."""
        ...

    def track(self, task: asyncio.Task[Any]) -> asyncio.Task[Any]:
        """Keep a background task so that stopping cancels it."""
        ...

    def adopt(self, link: TcpLink) -> TcpLink:
        """Take a new TCP client."""
        ...

    def receive(self, link: Link, data: bytes) -> None:
        """Process bytes from a host."""
        ...

    def forget(self, link: Link) -> None:
        """Drop a link whose connection is gone."""
        ...


class Link:
    """One connected host: its command reader and legacy T: memory.

    Output is written at once; only the byte-at-a-time fault needs a (short-lived) task.
    """

    def __init__(self, host: Host) -> None:
        self.host = host
        self.reader = host.new_reader()
        self.last_t: dict[str, str] | None = None
        self.closed = False
        self._backlog = bytearray()
        self._drip: asyncio.Task[None] | None = None

    def reset(self) -> None:
        """Forget the connection's state (a new session on the same line)."""
        self.reader = self.host.new_reader()
        self.last_t = None

    def send(self, data: bytes) -> None:
        """Send bytes, one at a time under the byte-at-a-time fault."""
        if self.closed:
            return
        if not self.host.faults.byte_at_a_time and not self._backlog:
            self.write(data)
            return
        self._backlog += data
        if self._drip is None or self._drip.done():
            task = asyncio.get_running_loop().create_task(self._trickle())
            self._drip = self.host.track(task)

    async def _trickle(self) -> None:
        while self._backlog and not self.closed:
            size = 1 if self.host.faults.byte_at_a_time else len(self._backlog)
            chunk = bytes(self._backlog[:size])
            del self._backlog[:size]
            self.write(chunk)
            await self.drain()

    def write(self, data: bytes) -> None:
        """Write bytes to the connection."""
        raise NotImplementedError

    async def drain(self) -> None:
        """Wait until a piece has gone out."""
        await asyncio.sleep(0)  # let the loop send this piece on its own

    def close(self) -> None:
        """Stop sending."""
        self.closed = True
        if self._drip is not None:
            self._drip.cancel()


class TcpLink(Link):
    """A TCP client."""

    def __init__(self, host: Host, transport: asyncio.Transport) -> None:
        super().__init__(host)
        self.transport = transport

    def write(self, data: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(data)

    def close(self) -> None:
        super().close()
        self.transport.close()


class TcpProtocol(asyncio.Protocol):
    """Raw TCP without a task per connection (like the firmware's single WiFiClient)."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.link: TcpLink | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        link = TcpLink(self.host, cast("asyncio.Transport", transport))
        self.link = self.host.adopt(link)

    def data_received(self, data: bytes) -> None:
        if self.link is not None and not self.link.closed:
            self.host.receive(self.link, data)

    def connection_lost(self, _exc: Exception | None) -> None:
        if self.link is not None:
            self.host.forget(self.link)


class PtyLink(Link):
    """The serial line (the master side of a pseudo-terminal)."""

    def __init__(self, host: Host, fd: int) -> None:
        super().__init__(host)
        self.fd = fd

    def write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # like a UART: what nobody takes is lost
            os.write(self.fd, data)
