import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from deskpemilu.core import deskmode
from deskpemilu.simulate import demo
from deskpemilu.simulate.run import SimulationError


class Command(BaseCommand):
    help = (
        "Isi desk dengan data demo: hari pemungutan suara 14 Februari 2024 yang "
        "disimulasikan (lewat HTTP ke desk yang berjalan), dikerjakan seperti desk, "
        "ditandai DATA DEMO di setiap halaman; --clear menghapusnya. Fill a running "
        "desk with a simulated voting day, worked as a desk would, marked as demo "
        "data on every page; --clear removes it (docs/demo.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="the running desk (default: make run's)",
        )
        parser.add_argument(
            "--clear", action="store_true", help="remove the demo data and its banner"
        )
        parser.add_argument(
            "--if-fresh",
            action="store_true",
            help="only on a desk without any message, incident or sheet yet "
            "(what make run does); otherwise say why and do nothing",
        )
        parser.add_argument(
            "--wait",
            type=float,
            default=0.0,
            help="seconds to wait for the desk to come up (make run: 120)",
        )
        parser.add_argument("--seed", type=int, default=demo.SEED)
        parser.add_argument(
            "--tps", type=int, default=demo.TPS, help="TPS drawn by the seed"
        )
        parser.add_argument("--json", action="store_true", help="the result as JSON")

    def handle(self, *args, url, clear, if_fresh, wait, seed, tps, json, **options):
        try:
            if clear:
                result = demo.clear()
            else:
                if if_fresh and (
                    deskmode.demo_info() is not None or not demo.desk_is_fresh()
                ):
                    self.stderr.write(
                        "[demo] desk sudah berisi data: demo tidak diputar "
                        "(deskpemilu demo --clear lalu deskpemilu demo untuk memutar)."
                    )
                    return
                demo.wait_for(url, wait, demo.simulation._stderr)
                result = demo.play(url, seed=seed, tps=tps)
        except (demo.DemoError, SimulationError) as error:
            raise CommandError(str(error)) from error
        if json:
            self.stdout.write(jsonlib.dumps(result, ensure_ascii=False))
        elif not clear:
            self.stdout.write(
                f"Data demo siap: {result['label']}; buka {url} (spanduk DATA DEMO)."
            )
