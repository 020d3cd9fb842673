from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Kompilasi katalog terjemahan (django.po -> django.mo) dengan Babel, tanpa "
        "GNU gettext. Compile the translation catalogues with Babel (no msgfmt "
        "needed); only those whose .mo is missing or older than the .po."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in map(Path, settings.LOCALE_PATHS):
            for po in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
                mo = po.with_suffix(".mo")
                if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                    continue
                try:
                    with po.open("rb") as f:
                        catalog = read_po(f, abort_invalid=True)
                except (PoFileError, ValueError, UnicodeDecodeError) as exc:
                    raise CommandError(f"Cannot parse {po}: {exc}") from exc
                tmp = mo.with_suffix(".mo.tmp")
                with tmp.open("wb") as f:
                    write_mo(f, catalog, use_fuzzy=False)  # as msgfmt: fuzzy skipped
                tmp.replace(mo)
                self.stdout.write(f"compiled {mo.relative_to(locale_dir)}")
