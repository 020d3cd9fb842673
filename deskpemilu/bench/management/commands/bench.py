import argparse
import json
import shutil

from django.core.management.base import BaseCommand, CommandError

from deskpemilu.bench import ingest


class Command(BaseCommand):
    help = (
        "Tolok ukur kecepatan (bukan uji). Benchmarks: `bench ingest` sends field "
        "messages over HTTP to the real app server on SQLite and PostgreSQL and "
        "reports messages/s, p50/p99 latency from a Python and a C (wrk) load "
        "generator, and the ratios to the same run's baselines (trivial endpoint, "
        "a one-row insert app, executemany/COPY); "
        "`bench misreads` injects every kind of OCR misread (inserted, swapped, "
        "look-alike, dropped digit) into consistent sheets and reports the "
        "detector's recall and precision per kind; "
        "`bench dashboard` seeds 1,000,000 incidents and times the dashboard's "
        "data endpoints over HTTP, the status recomputation and the map layers; "
        "`bench media` times the news analysis on one core and scores it; "
        "`bench soak` plays the election-day simulator at full speed "
        "into the production server on durable PostgreSQL for --duration s (180) "
        "(docs/benchmarks.md); "
        "`bench sitrep` seeds a province day of 10,000 incidents and times the "
        "situation report's gathering and its PDF, DOCX and HTML (medians); "
        "`bench notify` fans 1,000 assignments out to e-mail (a local SMTP sink) and "
        "signed webhooks (a local receiver), drains them with workers (deliveries/s, "
        "cost per delivery), and runs ingest with notifications on against off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "name",
            choices=[
                "ingest",
                "results",
                "misreads",
                "dashboard",
                "media",
                "soak",
                "sitrep",
                "notify",
            ],
        )
        parser.add_argument(
            "--db", choices=["sqlite", "postgres", "both"], default="both"
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=None,
            help="s per phase (ingest: 10); soak: s in all (180)",
        )
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument(
            "--batch-concurrency",
            type=int,
            default=4,
            help="ingest: connections sending batches",
        )
        parser.add_argument(
            "--phases",
            default=",".join(ingest.MODES),
            help="ingest: phases to run, comma-separated (trivial,sms,api,batch)",
        )
        parser.add_argument(
            "--generators",
            default=",".join(ingest.GENERATORS),
            help="ingest: load generators, comma-separated (python,wrk)",
        )
        parser.add_argument(
            "--no-baselines",
            action="store_true",
            help="ingest: skip the one-row app and the bulk ceiling",
        )
        parser.add_argument(
            "--bulk-rows", type=int, default=100_000, help="ingest: bulk ceiling rows"
        )
        parser.add_argument("--json", action="store_true", help="raw results as JSON")
        parser.add_argument("--tps", type=int, default=820_161, help="results: TPS")
        parser.add_argument("--repeat", type=int, default=1, help="runs (median)")
        parser.add_argument(
            "--day-incidents",
            type=int,
            default=10_000,
            help="sitrep: incidents of the day",
        )
        # sitrep: the timed part, run by the benchmark in a process of its own
        # against the database it prepared.
        parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--keep", default="", help="results: keep files here")
        parser.add_argument(
            "--per-kind", type=int, default=2_000, help="misreads: sheets per kind"
        )
        parser.add_argument(
            "--incidents", type=int, default=1_000_000, help="dashboard: incidents"
        )
        parser.add_argument(
            "--requests", type=int, default=40, help="dashboard: timed per request"
        )
        parser.add_argument(
            "--assignments", type=int, default=1000, help="notify: assignments"
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="notify: worker processes"
        )

    def handle(self, *args, name, db, duration, concurrency, batch, **options):
        if name == "results":
            return self._results(db, options)
        if name == "dashboard":
            return self._dashboard(db, options)
        if name == "notify":
            return self._notify(db, duration or 10.0, concurrency, options)
        if name == "sitrep":
            return self._sitrep(db, options)
        if name == "misreads":
            return self._misreads(options)
        if name == "media":
            return self._media(duration or 10.0, options)
        if name == "soak":
            return self._soak(db, duration or 180.0, concurrency, options)
        duration = duration or 10.0
        if not 1 <= batch <= 1000:
            raise CommandError("--batch harus 1..1000")
        phases = tuple(p.strip() for p in options["phases"].split(",") if p.strip())
        if not phases or set(phases) - set(ingest.MODES):
            raise CommandError(f"--phases: pilih dari {', '.join(ingest.MODES)}")
        generators = tuple(
            g.strip() for g in options["generators"].split(",") if g.strip()
        )
        if not generators or set(generators) - set(ingest.GENERATORS):
            raise CommandError(
                f"--generators: pilih dari {', '.join(ingest.GENERATORS)}"
            )
        if "wrk" in generators and not shutil.which("wrk"):
            raise CommandError("wrk tidak ditemukan: apt-get install wrk")
        cfg = ingest.IngestConfig(
            generators=generators,
            baselines=not options["no_baselines"],
            bulk_rows=options["bulk_rows"],
            databases=("sqlite", "postgres") if db == "both" else (db,),
            duration=duration,
            concurrency=concurrency,
            batch_concurrency=options["batch_concurrency"],
            batch=batch,
            phases=phases,
            repeat=options["repeat"],
        )
        results = [
            ingest.run_one(kind, cfg, lambda line: self.stderr.write(line))
            for kind in cfg.databases
        ]
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
        self.stdout.write(ingest.report(results, cfg))

    def _results(self, db, options):
        from deskpemilu.bench import results

        cfg = results.ResultsConfig(
            databases=("sqlite", "postgres") if db == "both" else (db,),
            tps=options["tps"],
            repeat=options["repeat"],
            keep=options["keep"],
        )
        out = results.run(cfg, lambda line: self.stderr.write(line))
        if options["json"]:
            self.stdout.write(json.dumps(out, indent=2))
        self.stdout.write(results.report(out))

    def _misreads(self, options):
        from deskpemilu.bench import misreads

        out = misreads.run(misreads.MisreadConfig(per_kind=options["per_kind"]))
        if options["json"]:
            self.stdout.write(json.dumps(out, indent=2))
        self.stdout.write(misreads.report(out))

    def _dashboard(self, db, options):
        from deskpemilu.bench import situation

        cfg = situation.DashboardConfig(
            databases=("sqlite", "postgres") if db == "both" else (db,),
            incidents=options["incidents"],
            requests=options["requests"],
        )
        out = situation.run(cfg, lambda line: self.stderr.write(line))
        if options["json"]:
            self.stdout.write(json.dumps(out, indent=2))
        self.stdout.write(situation.report(out, cfg))

    def _media(self, duration, options):
        from deskpemilu.bench import media

        out = media.run(duration, lambda line: self.stderr.write(line))
        if options["json"]:
            self.stdout.write(json.dumps(out, indent=2))
        self.stdout.write(media.report(out))

    def _soak(self, db, duration, concurrency, options):
        from deskpemilu.bench import soak

        cfg = soak.SoakConfig(
            duration=duration,
            concurrency=concurrency,
            database="sqlite" if db == "sqlite" else "postgres",
        )
        out = soak.run(cfg, lambda line: self.stderr.write(line))
        if options["json"]:
            self.stdout.write(json.dumps(out, indent=2))
        self.stdout.write(soak.report(out))

    def _sitrep(self, db, options):
        from deskpemilu.bench import sitrep

        repeat = max(options["repeat"], 5) if not options["inner"] else 0
        if options["inner"]:
            out = sitrep.measure(max(options["repeat"], 1))
            self.stdout.write(json.dumps(out))
            return
        kinds = ("sqlite", "postgres") if db == "both" else (db,)
        results = [
            sitrep.run_one(
                kind,
                options["day_incidents"],
                repeat,
                lambda line: self.stderr.write(line),
            )
            for kind in kinds
        ]
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
        self.stdout.write(sitrep.report(results, repeat))

    def _notify(self, db, duration, concurrency, options):
        from deskpemilu.bench import notify

        phases = tuple(p.strip() for p in options["phases"].split(",") if p.strip())
        if set(phases) == set(ingest.MODES):  # not chosen: the intake phases
            phases = ("api", "batch")
        if set(phases) - set(ingest.MODES):
            raise CommandError(f"--phases: pilih dari {', '.join(ingest.MODES)}")
        cfg = notify.NotifyConfig(
            databases=("sqlite", "postgres") if db == "both" else (db,),
            assignments=options["assignments"],
            workers=options["workers"],
            ingest_duration=duration,
            ingest_phases=phases,
            repeat=options["repeat"],
            concurrency=concurrency,
        )
        out = notify.run(cfg, lambda line: self.stderr.write(line))
        if options["json"]:
            self.stdout.write(json.dumps(out, indent=2))
        self.stdout.write(notify.report(out, cfg))
