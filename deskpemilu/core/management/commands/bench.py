import json

from django.core.management.base import BaseCommand, CommandError

from deskpemilu.bench import ingest


class Command(BaseCommand):
    help = (
        "Tolok ukur kecepatan (bukan uji). Benchmarks: `bench ingest` sends field "
        "messages over HTTP to the real app server on SQLite and PostgreSQL and "
        "reports messages/s, p50/p99 latency and the ratio to the trivial endpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", choices=["ingest"])
        parser.add_argument(
            "--db", choices=["sqlite", "postgres", "both"], default="both"
        )
        parser.add_argument("--duration", type=float, default=10.0, help="s per phase")
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument("--json", action="store_true", help="raw results as JSON")

    def handle(self, *args, name, db, duration, concurrency, batch, **options):
        if not 1 <= batch <= 1000:
            raise CommandError("--batch harus 1..1000")
        cfg = ingest.IngestConfig(
            databases=("sqlite", "postgres") if db == "both" else (db,),
            duration=duration,
            concurrency=concurrency,
            batch=batch,
        )
        results = [
            ingest.run_one(kind, cfg, lambda line: self.stderr.write(line))
            for kind in cfg.databases
        ]
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
        self.stdout.write(ingest.report(results, cfg))
