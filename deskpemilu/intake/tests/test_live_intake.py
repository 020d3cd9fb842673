"""Intake against the real app server (granian, `deskpemilu serve`) with its own
database: bodies sent chunked, bodies over the limit, an upload larger than the body
limit, and the real Kannel (bearerbox, smsbox, fakesmsc as the phone network)
delivering SMS in UCS-2, 8-bit and 7-bit and sending the desk's answer back.

Kannel uses its default ports 13000, 13001 and 10000 on 127.0.0.1. Without Debian's
kannel and kannel-extras its test is skipped; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from deskpemilu.devtools.liveserver import CLI, LiveDesk, Member, live_desk
from deskpemilu.intake.tests import kannel as kannel_box

LIMIT = 64 * 1024
GATEWAY_KEY = "uji-kunci-gateway"
TELEGRAM_SECRET = "uji-rahasia-telegram"
PASSWORD = "uji-rahasia-123"
TPS = "3601012001001"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    extra = {
        "DESKPEMILU_MAX_BODY_BYTES": str(LIMIT),
        "DESKPEMILU_SMS_GATEWAY_KEY": GATEWAY_KEY,
        "DESKPEMILU_TELEGRAM_SECRET": TELEGRAM_SECRET,
    }
    members = (
        Member("koordinator", "kesbangpol-banten", "coordinator", "36", PASSWORD),
    )
    folder = tmp_path_factory.mktemp("intake-desk")
    with live_desk(folder, members, extra_env=extra) as running:
        yield running


def cli(desk: LiveDesk, *args: str) -> str:
    """A console command against the desk's own database; its output."""
    done = subprocess.run(
        [*CLI, *args], env=dict(desk.env), capture_output=True, text=True, check=True
    )
    return done.stdout


def send(
    desk: LiveDesk,
    path: str,
    body: bytes | Iterable[bytes],
    headers: dict[str, str],
    method: str = "POST",
) -> tuple[int, str, bytes]:
    """One request; an iterable body goes chunked (no Content-Length)."""
    parts = urllib.parse.urlsplit(desk.url)
    connection = http.client.HTTPConnection(
        parts.hostname or "", parts.port, timeout=60
    )
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    return iter([data[i : i + size] for i in range(0, len(data), size)])


def telegram_update(update_id: int, text: str) -> bytes:
    message = {
        "message_id": update_id,
        "from": {"id": 5550001, "is_bot": False, "first_name": "Siti"},
        "chat": {"id": 5550001, "type": "private"},
        "date": 1707879600,
        "text": text,
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


@pytest.fixture(scope="module")
def token(desk: LiveDesk) -> str:
    printed = cli(desk, "create_api_client", "Gateway Uji")
    match = re.search(r"(dp_\S+)", printed)
    assert match is not None, printed
    return match.group(1)


# --- chunked bodies -------------------------------------------------------------


def test_a_chunked_sms_gateway_form_is_read(desk):
    form = urllib.parse.urlencode(
        {"sender": "081299990001", "text": f"BUKA {TPS} 0705", "id": "chunk-sms-1"}
    ).encode()
    status, _, answer = send(
        desk,
        f"/webhooks/sms?key={GATEWAY_KEY}",
        chunks(form, 7),
        {"Content-Type": FORM},
    )
    assert (status, answer.decode()[:3]) == (200, "OK ")


def test_a_chunked_telegram_update_is_read(desk):
    headers = {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
    }
    update = telegram_update(77001, f"BUKA {TPS} 0710")
    status, _, answer = send(desk, "/webhooks/telegram", chunks(update, 50), headers)
    assert (status, answer) == (200, b"OK")
    stored = cli(
        desk,
        "shell",
        "-v0",
        "-c",
        "from deskpemilu.intake.models import InboundMessage as M; "
        "print(list(M.objects.filter(channel='telegram')"
        ".values_list('status', 'body')))",
    )
    assert stored.strip() == f"[('parsed', 'BUKA {TPS} 0710')]"


def test_a_chunked_api_message_is_read(desk, token):
    body = json.dumps(
        {"id": "chunk-api-1", "sender": "081299990002", "text": f"BUKA {TPS} 0715"}
    ).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    status, _, answer = send(desk, "/api/v1/intake/messages", chunks(body, 10), headers)
    assert status == 201
    assert json.loads(answer)["kind"] == "checkin"


# --- over the limit: 413 in the endpoint's kind ---------------------------------


def json_413(status: int, kind: str, answer: bytes) -> bool:
    body = json.loads(answer) if kind.startswith("application/json") else {}
    return status == 413 and body.get("code") == "payload_too_large"


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_an_api_body_over_the_limit_answers_a_json_413(desk, token, chunked):
    body = json.dumps(
        {"sender": "0812", "text": "x" * (LIMIT + 10)}, separators=(",", ":")
    ).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    sent = chunks(body, 8192) if chunked else body
    status, kind, answer = send(desk, "/api/v1/intake/messages", sent, headers)
    assert json_413(status, kind, answer)
    assert (
        json.loads(answer)["field"] == ""
        and "terlalu besar" in (json.loads(answer)["message"])
    )


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_a_json_webhook_over_the_limit_answers_a_json_413(desk, chunked):
    update = telegram_update(77002, "x" * (LIMIT + 10))
    headers = {
        "Content-Type": "application/json",
        "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
    }
    sent = chunks(update, 8192) if chunked else update
    assert json_413(*send(desk, "/webhooks/telegram", sent, headers))


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_an_sms_gateway_body_over_the_limit_answers_a_plain_413(desk, chunked):
    form = urllib.parse.urlencode({"sender": "0812", "text": "x" * LIMIT}).encode()
    sent = chunks(form, 8192) if chunked else form
    status, kind, answer = send(
        desk, f"/webhooks/sms?key={GATEWAY_KEY}", sent, {"Content-Type": FORM}
    )
    assert (status, kind) == (413, "text/plain; charset=utf-8")
    assert answer.decode().startswith("Isi permintaan terlalu besar")


# --- uploads are not held to the body limit --------------------------------------


class Browser:
    """Cookies and the CSRF token over plain HTTP, as a browser keeps them."""

    def __init__(self, desk: LiveDesk) -> None:
        self.desk = desk
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | Iterable[bytes] = b"", **headers
    ) -> tuple[int, str, bytes]:
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        parts = urllib.parse.urlsplit(self.desk.url)
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=60
        )
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            for cookie in response.headers.get_all("Set-Cookie") or ():
                name, _, rest = cookie.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            status, kind = response.status, response.getheader("Content-Type", "")
            return status, kind, response.read()
        finally:
            connection.close()

    def login(self, username: str) -> None:
        self.request("GET", "/masuk/")
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            }
        ).encode()
        status, _, _ = self.request("POST", "/masuk/", form, **{"Content-Type": FORM})
        assert status == 302 and "sessionid" in self.cookies


def multipart(csrf: str, name: str, data: bytes) -> tuple[str, bytes]:
    boundary = "----uji-batas-7f3a"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{csrf}\r\n"
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
def test_an_upload_larger_than_the_body_limit_is_taken(desk, chunked):
    browser = Browser(desk)
    browser.login("koordinator")
    rows = ["waktu,kode_tempat,kategori,tingkat,uraian"]
    for n in range(40):  # about 80 KB, over the 64 KB body limit
        text = f"{'surat ' * 300}{n} {'chunked' if chunked else 'length'}"
        rows.append(f"2024-02-14 09:{n:02d},36.01.01,LOG,sedang,{text}")
    kind, body = multipart(
        browser.cookies["csrftoken"], f"laporan-{chunked}.csv", "\n".join(rows).encode()
    )
    assert len(body) > LIMIT
    sent = chunks(body, 16384) if chunked else body
    status, answer_kind, answer = browser.request(
        "POST", "/pesan/unggah/", sent, **{"Content-Type": kind}
    )
    assert (status, answer_kind) == (200, "text/html; charset=utf-8"), answer
    assert "40" in answer.decode()


# --- the real Kannel ------------------------------------------------------------

KANNEL_PORTS = {"admin": 13000, "smsbox": 13001, "smsc": 10000}
PHONE = "+6281299990003"
KANNEL_CONF = (
    kannel_box.CORE_CONF
    + """\
group = smsbox
bearerbox-host = 127.0.0.1
log-file = "{folder}/smsbox.log"
log-level = 1

group = sms-service
keyword = default
catch-all = true
max-messages = 3
concatenation = true
omit-empty = true
accept-x-kannel-headers = true
get-url = "{url}/webhooks/sms?{query}"
"""
)
# The configuration docs/gateways.md recommends.
GET_URL_QUERY = (
    "key={key}&sender=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I&time=%t&smsc=%i"
)


def _require_kannel() -> None:
    """Skip without Kannel or with its ports taken; in CI that is a failure."""
    reason = kannel_box.missing_programs()
    if not reason:
        busy = [str(port) for port in KANNEL_PORTS.values() if _listening(port)]
        if not busy:
            return
        reason = (
            f"ports {', '.join(busy)} of 127.0.0.1 are taken (a running Kannel "
            "service? stop it) and the test's own Kannel needs them"
        )
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _wait(check, what: str, folder: Path, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    logs = "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
        for p in sorted(folder.glob("*.log"))
    )
    raise AssertionError(f"Kannel: {what} within {seconds:.0f} s\n{logs}")


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _smsbox_connected() -> bool:
    port = KANNEL_PORTS["admin"]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /status.txt?password=uji HTTP/1.0\r\n\r\n")
            status = b""
            while chunk := sock.recv(65536):
                status += chunk
    except OSError:
        return False
    return b"smsbox:" in status


@pytest.fixture
def kannel_installed() -> None:
    _require_kannel()


@pytest.fixture
def kannel(kannel_installed: None, desk: LiveDesk, tmp_path: Path) -> Iterator[Path]:
    """bearerbox and smsbox delivering to the desk; yields the log folder."""
    conf = tmp_path / "kannel.conf"
    conf.write_text(
        KANNEL_CONF.format(
            folder=tmp_path,
            admin_password="uji",
            url=desk.url,
            query=GET_URL_QUERY.format(key=GATEWAY_KEY),
            **KANNEL_PORTS,
        )
    )
    boxes: list[subprocess.Popen] = []

    def start(box: Path) -> None:
        out = (tmp_path / f"{box.name}.out").open("w")
        boxes.append(subprocess.Popen([str(box), str(conf)], stdout=out, stderr=out))

    try:
        start(kannel_box.BEARERBOX)
        # smsbox gives up at once when bearerbox does not listen for it yet.
        _wait(lambda: _listening(KANNEL_PORTS["smsbox"]), "no bearerbox", tmp_path)
        start(kannel_box.SMSBOX)
        _wait(_smsbox_connected, "smsbox did not connect to bearerbox", tmp_path)
        yield tmp_path
    finally:
        for process in reversed(boxes):
            process.terminate()
        for process in boxes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (.*)>$", re.MULTILINE)


def _unquote(text: str) -> bytes:
    return urllib.parse.unquote_to_bytes(text.replace("+", " "))


def _reply(log: str) -> str | None:
    """The reply SMS in fakesmsc's log, once all its parts are in: ``<from> <to>
    text|data|ucs-2 <text>``, or one line per part of a concatenated reply,
    ``<from> <to> udh <udh> data <bytes>`` (the UDH numbers the parts)."""
    parts: dict[int, bytes] = {}
    total = 0
    for match in GOT.finditer(log):
        assert match.group(2) == PHONE
        kind, _, data = match.group(3).partition(" ")
        if kind == "text":
            return data
        if kind in ("ucs2", "ucs-2"):
            return _unquote(data).decode("utf-16-be")
        if kind == "data":
            return _unquote(data).decode("utf-8")
        udh, _, rest = data.partition(" ")
        header = _unquote(udh)  # 05 00 03 <ref> <total> <number>
        total, parts[header[5]] = header[4], _unquote(rest.partition(" ")[2])
    if not total or len(parts) < total:
        return None
    joined = b"".join(parts[n] for n in sorted(parts))
    # The parts carry no coding: UCS-2 gives itself away by its NUL bytes.
    return joined.decode("utf-16-be" if b"\x00" in joined else "utf-8")


def phone_sends(folder: Path, kind: str, data: bytes) -> str | None:
    """One SMS from the phone through fakesmsc; the reply SMS it gets, as text.
    ``kind``: ``ucs2`` (``data`` is UTF-16BE), ``data`` (8-bit) or ``text``."""
    payload = urllib.parse.quote(data) if kind != "text" else data.decode()
    log_path = folder / f"fakesmsc-{time.monotonic_ns()}.log"
    argv = [
        str(kannel_box.FAKESMSC),
        "-H",
        "127.0.0.1",
        "-r",
        str(KANNEL_PORTS["smsc"]),
    ]
    argv += ["-i", "0.1", "-m", "1", f"{PHONE} 1234 {kind} {payload}"]
    with log_path.open("w") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=log)
    try:
        _wait(lambda: _reply(log_path.read_text()), "no reply SMS", folder)
    finally:
        process.terminate()
        process.wait()
    return _reply(log_path.read_text())


def test_kannel_delivers_sms_in_every_coding_and_the_phone_gets_the_answer(
    kannel, desk
):
    emoji = "\U0001f600"
    answer = phone_sends(kannel, "ucs2", f"BUKA {TPS} {emoji}".encode("utf-16-be"))
    # The emoji is read past (it used to arrive as "?B?U?K?A?", an unknown word).
    assert answer.startswith("OK ") and "dibuka" in answer, answer

    answer = phone_sends(kannel, "ucs2", f"BUKA {TPS} 0705".encode("utf-16-be"))
    assert answer.startswith("OK ") and "07.05" in answer

    answer = phone_sends(kannel, "data", f"BUKA {TPS} 0720".encode("latin-1"))
    assert answer.startswith("OK ") and "07.20" in answer

    report = f"LAPOR {TPS} PU B \u201camplop\u201d dibagi \u2013 warga {emoji}"
    answer = phone_sends(kannel, "ucs2", report.encode("utf-16-be"))
    assert "tidak dikenal" not in answer and "belum terdaftar" in answer

    cafe = f"LAPOR {TPS} PU B amplop di caf\xe9"
    answer = phone_sends(kannel, "data", cafe.encode("latin-1"))
    assert "belum terdaftar" in answer

    stored = cli(
        desk,
        "shell",
        "-v0",
        "-c",
        "from deskpemilu.intake.models import InboundMessage as M; "
        f"print(repr(list(M.objects.filter(sender='{PHONE[1:]}')"
        ".order_by('id').values_list('body', flat=True))))",
    )
    assert stored.strip() == repr(
        [f"BUKA {TPS} {emoji}", f"BUKA {TPS} 0705", f"BUKA {TPS} 0720", report, cafe]
    )
