"""Generated inputs for `deskpemilu fuzz` and the hypothesis tests: valid field
messages, provider payloads and tables, mutated the way people, phones and
attackers mangle them. Structure-aware (a token, a JSON node, a cell, a zip member
at a time), with odd unicode, huge numbers, deep nesting and truncation, and some
plain random bytes. Everything is drawn from one `random.Random`, so a seed
replays a run exactly.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import re
import zipfile
from pathlib import Path
from typing import Any

from deskpemilu.devtools import craft

PAYLOADS = Path(__file__).resolve().parent.parent / "intake" / "tests" / "payloads"
TPS = "3601012001001"
MESSAGES = [
    f"BUKA {TPS} 0705",
    f"LAPOR {TPS} PU B ada bagi amplop",
    f"HASIL {TPS} 120 95 40 255 5",
    "CEKIN 3604012001 005 BUKA",
    "LAPOR 36.01.01.I.PU ada amplop",
    "BUKA 3601.01.2001.001.07.05",
    f"TUTUP {TPS} 1310",
    f"HITUNG {TPS}",
    f"KIRIM {TPS} 2045",
    f'lapor {TPS} pu b "ada amplop"',
    f"LAPOR {TPS} KEK K: bentrok dua kelompok, 3 luka",
    "INFO",
    "BANTUAN",
]
ODD = [
    "\u200b",  # zero-width space
    "\u200e",  # left-to-right mark
    "\u202e",  # right-to-left override
    "\ufeff",
    "\u00a0",
    "\u2028",
    "\u0301",  # combining acute
    "\ud800",  # a lone surrogate (valid in a Python str, not in UTF-8)
    "\x00",
    "\r",
    "\t",
    "\x1b",
    "\u0663",  # Arabic-Indic three
    "\uff13",  # full-width three
    "\u00b2",  # superscript two: isdigit() but not int()
    "\u2167",  # Roman numeral eight
    "\U0001f600",
    "\U0001f1ee\U0001f1e9",  # a flag: two code points
    "İ",
    "ß",
    "ﬃ",
    "ǅ",
    "%",
    "%ff",
    "&",
    "=",
    '"',
    "'",
    "\\",
    "<",
    "]]>",
    "&lt;",
    "ⅰ",
]
NUMBERS = [
    "0",
    "-0",
    "-1",
    "--5",
    "+5",
    "1e999",
    "1e-999",
    "NaN",
    "inf",
    "0x1F",
    "1_000",
    "1.234",
    "1,5",
    "٣٤",
    "３６",
    "²",
    "9" * 19,
    "9" * 400,
    "-" + "9" * 40,
    str(2**63),
    str(2**31),
    "00000000000000000000001",
]
_TOKEN = re.compile(r"\S+")
_JSON_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**70,
    -(2**64),
    1e308,
    -0.0,
    float("nan"),
    float("inf"),
    "",
    " ",
    "0",
    "1707880507",
    "17078805070000",
    [],
    {},
    [None],
    {"": None},
]


class Mutator:
    """Every generator of inputs, over one random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.payloads = _load_payloads()

    # --- text ------------------------------------------------------------------------

    def odd_text(self, length: int | None = None) -> str:
        rng = self.rng
        length = rng.randint(0, 40) if length is None else length
        pools = (ODD, NUMBERS, list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/:,;"))
        return "".join(rng.choice(rng.choice(pools)) for _ in range(length))

    def text(self, seed: str | None = None) -> str:
        """A field message: a valid one mutated, or something else entirely."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:
            return self.odd_text()
        if roll < 0.07:
            return rng.choice(MESSAGES) * rng.randint(100, 3000)  # very long
        text = seed if seed is not None else rng.choice(MESSAGES)
        for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
            text = self._mutate_text(text)
        return text

    def _mutate_text(self, text: str) -> str:
        rng = self.rng
        tokens = _TOKEN.findall(text) or [""]
        i = rng.randrange(len(tokens))
        op = rng.randrange(10)
        if op == 0:
            tokens[i] = rng.choice(NUMBERS)
        elif op == 1:
            tokens.insert(i, rng.choice(ODD))
        elif op == 2:
            del tokens[i]
        elif op == 3:
            tokens[i] = tokens[i][: rng.randint(0, len(tokens[i]))]
        elif op == 4:
            tokens.insert(i, rng.choice(tokens))
        elif op == 5:
            rng.shuffle(tokens)
        elif op == 6:
            tokens[i] = tokens[i].swapcase()
        elif op == 7:
            place = rng.randint(0, len(tokens[i]))
            tokens[i] = tokens[i][:place] + self.odd_text(1) + tokens[i][place:]
        elif op == 8:
            tokens[i] = rng.choice(".-/:").join(tokens[i])
        else:
            return rng.choice(("", " ", "\n", "\r\n", "\t")).join(tokens)
        return rng.choice((" ", " ", "  ", "\n", ".", ",")).join(tokens)

    # --- provider payloads -----------------------------------------------------------

    def json_body(self, provider: str) -> bytes:
        """A WhatsApp or Telegram webhook body: a documented one with nodes
        replaced, removed or nested deep, then perhaps broken as bytes."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.02:
            depth = rng.choice((50, 1000, 100_000))
            if rng.random() < 0.5:
                return ("[" * depth + "]" * depth).encode()
            return ('{"a":' * depth + "1" + "}" * depth).encode()
        if roll < 0.04:
            return rng.randbytes(rng.randint(0, 200))
        payload = json.loads(json.dumps(rng.choice(self.payloads[provider])))
        try:
            for _ in range(rng.choice((1, 1, 2, 3, 6))):
                payload = self._mutate_json(payload)
            body = json.dumps(payload, ensure_ascii=rng.random() < 0.5)
        except RecursionError:  # nested past what Python copies or writes
            return b"[" * 5000 + b"]" * 5000
        data = body.encode("utf-8", "surrogatepass")
        if rng.random() < 0.05:
            data = data[: rng.randint(0, len(data))]
        elif rng.random() < 0.03:
            data = b"\xef\xbb\xbf" + data
        elif rng.random() < 0.03:
            data = body.encode("utf-16", "surrogatepass")
        return data

    def _mutate_json(self, node: Any) -> Any:
        rng = self.rng
        path = self._json_path(node)
        if not path or rng.random() < 0.03:
            return self._json_value(node)
        parent = node
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        op = rng.randrange(6)
        if op == 0 and isinstance(parent, dict):
            del parent[key]
        elif op == 1 and isinstance(parent, dict):
            parent[self.odd_text(rng.randint(0, 8))] = self._json_value(parent[key])
        elif op == 2 and isinstance(parent[key], str):
            parent[key] = self.text(parent[key])
        else:
            parent[key] = self._json_value(parent[key])
        return node

    def _json_path(self, node: Any) -> list:
        rng = self.rng
        path: list = []
        while isinstance(node, dict | list) and node and rng.random() < 0.85:
            key = rng.choice(list(node)) if isinstance(node, dict) else None
            if key is None:
                key = rng.randrange(len(node))
            path.append(key)
            node = node[key]
        return path

    def _json_value(self, old: Any) -> Any:
        """A new value for a node; `old` is copied, never shared, so the payload
        stays a tree."""
        rng = self.rng
        old = copy.deepcopy(old)
        roll = rng.random()
        if roll < 0.5:
            return copy.deepcopy(rng.choice(_JSON_VALUES))  # [] and {} are not shared
        if roll < 0.65:
            return self.odd_text()
        if roll < 0.75:
            nested: Any = old
            for _ in range(rng.choice((2, 10, 50, 200))):
                nested = [nested] if rng.random() < 0.5 else {"a": nested}
            return nested
        if roll < 0.85:
            return [old, copy.deepcopy(old)]
        if roll < 0.92 and isinstance(old, str) and old.isdigit():
            return int(old) * rng.choice((-1, 10**30))
        return str(old)

    def form(self, provider: str) -> str:
        """A Twilio or SMS-gateway form (urlencoded), a documented one mutated."""
        rng = self.rng
        raw = rng.choice(self.payloads[provider])
        pairs = [p.split("=", 1) + [""] for p in raw.split("&") if p]
        pairs = [[name, value] for name, value, *_ in pairs]
        for _ in range(rng.choice((1, 1, 2, 4))):
            i = rng.randrange(len(pairs)) if pairs else 0
            op = rng.randrange(6)
            if op == 0 and pairs:
                del pairs[i]
            elif op == 1 and pairs:
                pairs.insert(i, list(pairs[i]))  # a repeated name
            elif op == 2 and pairs:
                pairs[i][1] = _quote(self.text())
            elif op == 3 and pairs:
                pairs[i][1] = rng.choice(NUMBERS + ["", "%zz", "%ff%fe", "+" * 50])
            elif op == 4:
                pairs.append([_quote(self.odd_text(5)), _quote(self.odd_text())])
            elif pairs:
                pairs[i][1] = pairs[i][1][: rng.randint(0, len(pairs[i][1]))]
        return "&".join("=".join(p) for p in pairs)

    # --- tables ----------------------------------------------------------------------

    def rows(self, seed: list[list[str]]) -> list[list[str]]:
        """A table's rows with cells, rows and columns mangled."""
        rng = self.rng
        rows = [list(r) for r in seed]
        for _ in range(rng.choice((1, 1, 2, 3, 8))):
            r = rng.randrange(len(rows))
            op = rng.randrange(8)
            if op < 3 and rows[r]:
                c = rng.randrange(len(rows[r]))
                rows[r][c] = self._cell(rows[r][c])
            elif op == 3:
                rows.insert(r, list(rng.choice(rows)))
            elif op == 4 and len(rows) > 1:
                del rows[r]
            elif op == 5:
                rows[r] = rows[r] + [self._cell("")] * rng.randint(1, 5)
            elif op == 6 and rows[r]:
                rows[r] = rows[r][: rng.randrange(len(rows[r]))]
            else:
                rows.append([])
        return rows

    def _cell(self, old: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            return rng.choice(NUMBERS)
        if roll < 0.6:
            return self.text(old) if old else self.odd_text()
        if roll < 0.65:
            return "x" * rng.choice((1000, 140_000))  # past the csv field limit
        if roll < 0.75:
            return rng.choice(('"', '"a', "a\nb", "a\r\nb", "=1+1", "\x00", ";", ","))
        return old[: rng.randint(0, len(old))]

    def csv_file(self, seed: list[list[str]]) -> bytes:
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            return rng.randbytes(rng.randint(0, 500))
        out = io.StringIO()
        delimiter = rng.choice((",", ",", ",", ";", "\t"))
        terminator = rng.choice(("\n", "\r\n", "\r"))
        csv.writer(out, delimiter=delimiter, lineterminator=terminator).writerows(
            self.rows(seed)
        )
        text = out.getvalue()
        encoding = rng.choice(("utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1"))
        data = text.encode(
            encoding, "replace" if encoding == "latin-1" else "surrogatepass"
        )
        if rng.random() < 0.05:
            data = data[: rng.randint(0, len(data))]
        return data

    def xlsx_file(self, seed: list[list[str]]) -> bytes:
        """A workbook of the mangled rows, then perhaps its zip or XML broken."""
        rng = self.rng
        rows: list[list[object]] = [list(r) for r in self.rows(seed)]
        for row in rows[1:]:
            for i, value in enumerate(row):
                if (
                    rng.random() < 0.1
                    and isinstance(value, str)
                    and value.lstrip("-").isascii()
                    and value.isdigit()
                ):
                    row[i] = int(value)
        sheet = b"".join(craft.sheet_xml(rows))
        roll = rng.random()
        if roll < 0.3:
            sheet = self._mutate_xml(sheet)
        data = craft.workbook([sheet])
        roll = rng.random()
        if roll < 0.1:
            return data[: rng.randint(0, len(data))]  # truncated
        if roll < 0.15:
            flipped = bytearray(data)
            for _ in range(rng.randint(1, 10)):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            return bytes(flipped)
        if roll < 0.2:
            return self._drop_member(data)
        return data

    def _mutate_xml(self, sheet: bytes) -> bytes:
        rng = self.rng
        options = [
            (b"<c>", b'<c r="A0">'),
            (b"<c>", b'<c r="ZZZZ1">'),
            (b"<c>", b'<c r="A-1">'),
            (b"<c>", b'<c r="A99999999999">'),
            (b"<c>", b'<c t="e">'),
            (b"<c>", b'<c t="b">'),
            (b"<c>", b'<c t="d">'),
            (b"<c>", b'<c t="s">'),
            (b"<c>", b'<c s="999">'),
            (b"<c>", b'<c t="str">'),
            (b"<v>", b"<v>1e999"),
            (b"<v>", b"<v>-"),
            (b"<v>", b"<v>9999-99-99"),
            (b"<row>", b'<row r="0">'),
            (b"<row>", b'<row r="-5">'),
            (b"<row>", b'<row r="1048577">'),
            (b"<row>", b'<row r="x">'),
            (b"<row>", b"<row><row>"),
            (b"<sheetData>", b"<sheetData>" + b"<x>" * 70 + b"</x>" * 70),
            (b"<t>", b"<t>\x01"),
            (b"</sheetData>", b""),
            (b"?>", b"?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"),
            (b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
        ]
        for _ in range(rng.randint(1, 3)):
            old, new = rng.choice(options)
            count = sheet.count(old)
            if count:
                at = rng.randrange(count)
                pieces = sheet.split(old)
                sheet = old.join(pieces[: at + 1]) + new + old.join(pieces[at + 1 :])
        return sheet

    def _drop_member(self, data: bytes) -> bytes:
        source = zipfile.ZipFile(io.BytesIO(data))
        names = source.namelist()
        drop = self.rng.choice(names)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in names:
                if name != drop:
                    target.writestr(name, source.read(name))
        return out.getvalue()


def _quote(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text.encode("utf-8", "surrogatepass"))


def _load_payloads() -> dict[str, list]:
    """The providers' documented payloads kept with the channel tests."""
    found: dict[str, list] = {
        "whatsapp": [],
        "telegram": [],
        "twilio": [],
        "gateway": [],
    }
    for path in sorted(PAYLOADS.iterdir()):
        provider = path.name.split("_", 1)[0]
        if provider not in found:
            continue
        text = path.read_text(encoding="utf-8").strip()
        found[provider].append(json.loads(text) if path.suffix == ".json" else text)
    return found
