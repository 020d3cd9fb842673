import datetime as dt
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from deskpemilu.simulate import run
from deskpemilu.simulate.plan import WIB
from deskpemilu.simulate.wire import Secrets


def _moment(text: str) -> dt.datetime:
    """An ISO date or moment; without an offset it is WIB."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"Waktu tidak sah: {text!r} (contoh 2024-02-14T06:00)"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


class Command(BaseCommand):
    help = (
        "Simulasikan hari pemilu ke desk lewat HTTP (webhook SMS gateway, Twilio, "
        "WhatsApp, Telegram, API, formulir publik, API hasil) atas TPS Banten. "
        "Play a stretch of the election calendar into a running desk over its real "
        "entry points, then compare what was sent with what the desk holds. Run it "
        "with the desk's environment (same database and secrets): docs/simulator.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", required=True, help="the desk, e.g. http://127.0.0.1:8000"
        )
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--from",
            dest="start",
            default="2024-02-14T00:00",
            help="simulated start (WIB)",
        )
        parser.add_argument(
            "--to", dest="end", default="2024-02-15T12:00", help="simulated end (WIB)"
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=60.0,
            help="simulated seconds per real second (60: a minute a second); "
            "0: as fast as the desk answers",
        )
        parser.add_argument(
            "--tps", type=int, default=None, help="TPS drawn by the seed (default: all)"
        )
        parser.add_argument(
            "--incidents",
            type=float,
            default=1.0,
            help="multiplier of the incident rates",
        )
        parser.add_argument(
            "--concurrency", type=int, default=1, help="connections sending at once"
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=None,
            help="stop after this many real seconds (a soak; default: the whole plan)",
        )
        parser.add_argument(
            "--api-token",
            default="",
            help="an API client's token (default: a new client)",
        )
        parser.add_argument(
            "--json", action="store_true", help="the summary as one JSON object"
        )

    def handle(
        self,
        *args,
        url,
        seed,
        start,
        end,
        speed,
        tps,
        incidents,
        api_token,
        json,
        concurrency,
        duration,
        **options,
    ):
        begin, finish = _moment(start), _moment(end)
        if finish <= begin:
            raise CommandError("--to harus sesudah --from.")
        if concurrency < 1 or (duration is not None and duration <= 0):
            raise CommandError("--concurrency minimal 1; --duration lebih dari 0.")
        if speed < 0 or (tps is not None and tps < 1) or incidents < 0:
            raise CommandError(
                "--speed dan --incidents tidak boleh negatif; --tps minimal 1."
            )
        try:
            summary = run.simulate(
                url,
                seed,
                begin,
                finish,
                speed,
                tps=tps,
                incidents=incidents,
                secrets=Secrets(api_token=api_token),
                concurrency=concurrency,
                duration=duration,
            )
        except run.SimulationError as error:
            raise CommandError(str(error)) from error
        if json:
            self.stdout.write(_dumps(summary.as_dict()))
        else:
            self.stdout.write(summary.text())


def _dumps(value: object) -> str:
    return jsonlib.dumps(value, ensure_ascii=False)
