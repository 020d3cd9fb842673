import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from deskpemilu.simulate import drill, run
from deskpemilu.simulate.management.commands.simulate import _moment


class Command(BaseCommand):
    help = (
        "Latihan hari pemilu di basis data tersendiri: start NAMA, stop, play, "
        "debrief. A drill in a database of its own: `start NAME` prepares it and "
        "marks it (restart the server to serve it), `stop` unmarks it, `play` sends "
        "an election day into it with the simulator, `debrief` sums it up "
        "(docs/drills.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("start", "stop", "play", "debrief"))
        parser.add_argument("name", nargs="?", default="", help="start: the name")
        parser.add_argument(
            "--no-load", action="store_true", help="start: migrate only (no Banten)"
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="play")
        parser.add_argument("--seed", type=int, default=2024, help="play")
        parser.add_argument("--from", dest="start", default="2024-02-14T05:00")
        parser.add_argument("--to", dest="end", default="2024-02-15T05:00")
        parser.add_argument(
            "--speed", type=float, default=60.0, help="play: simulated s per real s"
        )
        parser.add_argument("--tps", type=int, default=None, help="play: TPS drawn")
        parser.add_argument(
            "--incidents",
            type=float,
            default=1.0,
            help="play: multiplier of the incident rates (a small drill needs more)",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, action, name, no_load, url, seed, start, end, speed,
               tps, incidents, json, **options):  # fmt: skip
        try:
            if action == "start":
                if not name:
                    raise CommandError("drill start NAMA")
                where = drill.start(name, load=not no_load)
                self.stdout.write(
                    f"Latihan {name} siap di {where}. Mulai ulang server dan pekerja "
                    "(make run, atau systemctl restart) agar desk melayani latihan."
                )
            elif action == "stop":
                stopped = drill.stop()
                self.stdout.write(
                    f"Latihan {stopped} dihentikan; mulai ulang server dan pekerja "
                    "agar desk kembali ke data sebenarnya."
                )
            elif action == "play":
                drill.require_drill()
                begin, finish = _moment(start), _moment(end)
                drill.clock_starts(begin, speed)
                summary = run.simulate(
                    url, seed, begin, finish, speed, tps=tps, incidents=incidents
                )
                drill.clock_played(finish, speed)
                self.stdout.write(_dumps(summary.as_dict()) if json else summary.text())
            else:
                result = drill.debrief()
                self.stdout.write(_dumps(result) if json else _text(result))
        except (drill.DrillError, run.SimulationError) as error:
            raise CommandError(str(error)) from error


def _dumps(value: object) -> str:
    return jsonlib.dumps(value, ensure_ascii=False)


def _text(d: dict) -> str:
    missed = d["missed"]
    return "\n".join(
        [
            f"Latihan {d['drill']} (jam latihan {d['clock']}): {d['messages']} pesan "
            f"masuk {d['came_in']}",
            f"Kejadian per status: {d['incidents']}",
            f"Penugasan: {d['assignments_done']} dari {d['assignments']} selesai",
            f"Median menit sampai status pertama berubah: "
            f"{d['minutes_to_first_move']}; sampai selesai: {d['minutes_to_close']}",
            f"Terlewat: {missed['still_new']} kejadian masih baru, "
            f"{missed['overdue']} penugasan lewat tenggat, "
            f"{missed['tps_never_checked_in']} TPS tidak pernah melapor",
        ]
    )
