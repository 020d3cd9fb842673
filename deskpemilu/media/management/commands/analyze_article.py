"""`deskpemilu analyze_article FILE --json`: the offline analysis of one article."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deskpemilu.media.analysis import analyze
from deskpemilu.media.ingest import html_text


class Command(BaseCommand):
    help = (
        "Menganalisis satu artikel berita (teks atau HTML) tanpa jaringan. Analyses "
        "one news article offline: cleaned text, places with region codes, persons "
        "and roles, organisations, quotes with speakers, dates, class, category, "
        "severity."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .txt or .html file ('-' reads stdin)")
        parser.add_argument("--json", action="store_true", help="one JSON object")
        parser.add_argument("--year", type=int, help="year of short dates (12/2)")

    def handle(self, *args, file, json: bool, year, **options):
        import sys

        if file == "-":
            raw = sys.stdin.read()
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"berkas tidak ada: {file}")
            raw = path.read_text(encoding="utf-8", errors="replace")
        title = ""
        if raw.lstrip()[:1] == "<":
            title, raw = html_text(raw)
        result = analyze(raw, title=title, year=year)
        data = result.as_json()
        if json:
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(f"{data['title']}\n")
        for key in ("class", "category", "severity", "dates"):
            self.stdout.write(f"{key}: {data[key]}")
        for place in data["places"]:
            self.stdout.write(f"place: {place['name']} {place['code'] or '-'}")
        for person in data["persons"]:
            self.stdout.write(f"person: {person['name']} ({person['role']})")
        for quote in data["quotes"]:
            self.stdout.write(f"quote: {quote['speaker']}: {quote['text']}")


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
