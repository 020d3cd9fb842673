"""The real Kannel for tests that send SMS: bearerbox, smsbox with its sendsms
interface, and fakesmsc playing the phone network, on free ports of 127.0.0.1 in a
folder of the test's own.

    with Kannel(tmp_path) as kannel:
        settings.DESKPEMILU_SMS_SENDSMS_URL = kannel.sendsms_url
        ...
        [sms] = kannel.wait_for(1)   # what the phone network received

Without Debian's kannel and kannel-extras, :func:`require_kannel` skips the test
(in CI, CI=true, it fails: .ci/run installs them).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

import pytest

from deskpemilu.devtools.sinks import free_port

BEARERBOX = Path("/usr/sbin/bearerbox")
SMSBOX = Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
USER = "desk"
PASSWORD = "uji-rahasia-kannel"
ADMIN_PASSWORD = "uji-admin"

# bearerbox with fakesmsc as the phone network: what every test's Kannel shares.
CORE_CONF = """\
group = core
admin-port = {admin}
admin-password = {admin_password}
admin-allow-ip = "127.0.0.1"
smsbox-port = {smsbox}
box-allow-ip = "127.0.0.1"
log-file = "{folder}/bearerbox.log"
log-level = 1

group = smsc
smsc = fake
smsc-id = FAKE
port = {smsc}
connect-allow-ip = "127.0.0.1"

"""
CONF = (
    CORE_CONF
    + """\
group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox}
sendsms-port = {sendsms}
log-file = "{folder}/smsbox.log"
log-level = 1

group = sendsms-user
username = {user}
password = {password}
max-messages = {max_messages}
concatenation = true
"""
)


def missing_programs() -> str:
    """Why Kannel cannot run here ('' when its programs are installed)."""
    missing = [str(p) for p in (BEARERBOX, SMSBOX, FAKESMSC) if not p.exists()]
    if not missing:
        return ""
    return (
        f"{', '.join(missing)} missing: install Debian's kannel and kannel-extras "
        "(apt-get install --no-install-recommends kannel kannel-extras)"
    )


def require_kannel() -> None:
    """Skip the test without Kannel's programs; in CI that is a failure."""
    reason = missing_programs()
    if not reason:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class Sms:
    """One SMS as the phone network got it (the parts of a long one joined)."""

    sender: str
    to: str
    text: str
    coding: str  # "text" (7-bit), "ucs-2", or "data" (parts, 7-bit or UCS-2)
    parts: int


GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>$", re.MULTILINE)


def _unquote(text: str) -> bytes:
    return urllib.parse.unquote_to_bytes(text.replace("+", " "))


def received_in(log: str) -> list[Sms]:
    """The SMS in fakesmsc's log: ``<from> <to> text <text>``, ``<from> <to> ucs-2
    <UTF-16BE, URL-encoded>``, or a part of a concatenated SMS, ``<from> <to> udh
    <05 00 03 ref total n> data <bytes, URL-encoded>``; a long SMS counts once
    all its parts are in."""
    found: list[Sms] = []
    pending: dict[tuple[str, str, int], dict[int, bytes]] = {}
    for sender, to, kind, rest in GOT.findall(log):
        if kind == "text":
            found.append(Sms(sender, to, rest, "text", 1))
        elif kind in ("ucs2", "ucs-2"):
            text = _unquote(rest).decode("utf-16-be")
            found.append(Sms(sender, to, text, "ucs-2", 1))
        elif kind == "udh":
            udh, _, data = rest.partition(" data ")
            header = _unquote(udh)
            ref, total, number = header[3], header[4], header[5]
            parts = pending.setdefault((sender, to, ref), {})
            parts[number] = _unquote(data)
            if len(parts) == total:
                joined = b"".join(parts[n] for n in sorted(parts))
                # The parts carry no coding: UCS-2 gives itself away by NUL bytes.
                ucs2 = b"\x00" in joined
                text = joined.decode("utf-16-be" if ucs2 else "utf-8")
                found.append(Sms(sender, to, text, "data", total))
                del pending[(sender, to, ref)]
        else:
            found.append(Sms(sender, to, _unquote(rest).decode(), kind, 1))
    return found


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


class Kannel:
    """bearerbox + smsbox (sendsms on) + fakesmsc, started by ``with``."""

    def __init__(self, folder: Path, *, max_messages: int = 3) -> None:
        require_kannel()
        self.folder = folder
        self.ports = {
            name: free_port() for name in ("admin", "smsbox", "smsc", "sendsms")
        }
        self.max_messages = max_messages
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.streams: list[IO[str]] = []
        self.conf = folder / "kannel.conf"
        self.network_log = folder / "fakesmsc.log"

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"

    def __enter__(self) -> Kannel:
        self.conf.write_text(
            CONF.format(
                folder=self.folder,
                admin_password=ADMIN_PASSWORD,
                user=USER,
                password=PASSWORD,
                max_messages=self.max_messages,
                **self.ports,
            )
        )
        try:
            self._start("bearerbox", [str(BEARERBOX), str(self.conf)])
            # smsbox gives up at once when bearerbox does not listen for it yet.
            self.wait(lambda: _listening(self.ports["smsbox"]), "bearerbox listens")
            self._start("smsbox", [str(SMSBOX), str(self.conf)])
            self.wait(lambda: b"smsbox:" in self.status(), "smsbox connects")
            self.wait(lambda: _listening(self.ports["sendsms"]), "sendsms listens")
            self.network_up()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def network_up(self) -> None:
        """fakesmsc connected as the SMSC: from now on MT messages reach it."""
        argv = [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(self.ports["smsc"])]
        # -m 0: it sends nothing and only prints what it receives.
        argv += ["-i", "0.1", "-m", "0", "0 0 text x"]
        self._start("fakesmsc", argv, self.network_log.open("a"))
        self.wait(lambda: b"(online" in self.status(), "fakesmsc connects")

    def stop_box(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self) -> None:
        for name in ("fakesmsc", "smsbox", "bearerbox"):
            self.stop_box(name)
        for stream in self.streams:
            stream.close()
        self.streams.clear()

    def _start(self, name: str, argv: list[str], out: IO[str] | None = None) -> None:
        stream = out or (self.folder / f"{name}.out").open("w")
        self.streams.append(stream)
        self.processes[name] = subprocess.Popen(
            argv, stdout=stream, stderr=subprocess.STDOUT
        )

    def status(self) -> bytes:
        """bearerbox's status page (boxes and SMSC connections)."""
        try:
            with socket.create_connection(
                ("127.0.0.1", self.ports["admin"]), timeout=2
            ) as sock:
                request = f"GET /status.txt?password={ADMIN_PASSWORD} HTTP/1.0"
                sock.sendall(f"{request}\r\n\r\n".encode())
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
                return answer
        except OSError:
            return b""

    def received(self) -> list[Sms]:
        if not self.network_log.exists():
            return []
        return received_in(self.network_log.read_text(errors="replace"))

    def wait_for(self, count: int) -> list[Sms]:
        """The SMS the network got, once there are `count` (fails after 30 s)."""
        self.wait(lambda: len(self.received()) >= count, f"{count} SMS arrive")
        return self.received()

    def wait(self, check: Callable[[], bool], what: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.1)
        logs = "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for pattern in ("*.log", "*.out")
            for p in sorted(self.folder.glob(pattern))
        )
        raise AssertionError(f"Kannel: not {what} within {seconds:.0f} s\n{logs}")
