"""JSON helpers of the BrewPi emulator: ArduinoJson-like output and a lenient input parser."""

import json
import re
from typing import Any


class Raw(str):
    """A pre-rendered JSON token (legacy fixed-decimal numbers)."""

    __slots__ = ()


def dumps(obj: Any) -> str:
    """Serialize compactly like ArduinoJson, keeping non-ASCII bytes unescaped."""
    if isinstance(obj, Raw):
        return str(obj)
    if isinstance(obj, dict):
        items = (f"{json.dumps(k, ensure_ascii=False)}:{dumps(v)}" for k, v in obj.items())
        return "{" + ",".join(items) + "}"
    if isinstance(obj, list):
        return "[" + ",".join(dumps(v) for v in obj) + "]"
    return json.dumps(obj, ensure_ascii=False)


def num(value: float, decimals: int) -> float | int:
    """Round like the firmware; whole numbers print without decimals (ArduinoJson)."""
    rounded = round(value, decimals) + 0.0
    return int(rounded) if rounded.is_integer() else rounded


class JsonError(ValueError):
    """A JSON document the firmware's parser would reject; `reason` as ArduinoJson names it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/"}


class LenientJson:
    """ArduinoJson-like parser: unquoted keys, single or double quotes, strict values."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    @classmethod
    def parse(cls, text: str) -> Any:
        """Parse one JSON value; trailing text is ignored like ArduinoJson does."""
        return cls(text).value()

    def _peek(self) -> str:
        self._skip_ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def value(self) -> Any:
        """Parse the next value."""
        char = self._peek()
        if not char:
            raise JsonError("IncompleteInput")
        if char == "{":
            return self._object()
        if char == "[":
            return self._array()
        if char in "\"'":
            return self._string()
        if match := _NUMBER.match(self.text, self.pos):
            self.pos = match.end()
            text = match.group()
            return float(text) if any(c in text for c in ".eE") else int(text)
        if match := _WORD.match(self.text, self.pos):
            self.pos = match.end()
            words: dict[str, Any] = {"true": True, "false": False, "null": None}
            if match.group() in words:
                return words[match.group()]
        raise JsonError("InvalidInput")

    def _expect(self, char: str) -> None:
        found = self._peek()
        if found != char:
            raise JsonError("InvalidInput" if found else "IncompleteInput")
        self.pos += 1

    def _object(self) -> dict[str, Any]:
        self.pos += 1
        out: dict[str, Any] = {}
        if self._peek() == "}":
            self.pos += 1
            return out
        while True:
            char = self._peek()
            if char and char in "\"'":
                key = self._string()
            elif match := _WORD.match(self.text, self.pos):
                key, self.pos = match.group(), match.end()
            else:
                raise JsonError("InvalidInput" if char else "IncompleteInput")
            self._expect(":")
            out[key] = self.value()
            if self._peek() == "}":
                self.pos += 1
                return out
            self._expect(",")

    def _array(self) -> list[Any]:
        self.pos += 1
        out: list[Any] = []
        if self._peek() == "]":
            self.pos += 1
            return out
        while True:
            out.append(self.value())
            if self._peek() == "]":
                self.pos += 1
                return out
            self._expect(",")

    def _string(self) -> str:
        quote, text = self.text[self.pos], self.text
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(text):
            char = text[self.pos]
            self.pos += 1
            if char == quote:
                return "".join(chars)
            if char == "\\" and self.pos < len(text):
                esc = text[self.pos]
                self.pos += 1
                if esc == "u":
                    try:
                        chars.append(chr(int(text[self.pos : self.pos + 4], 16)))
                    except ValueError:
                        raise JsonError("InvalidInput") from None
                    self.pos += 4
                else:
                    chars.append(_ESCAPES.get(esc, esc))
            else:
                chars.append(char)
        raise JsonError("IncompleteInput")
