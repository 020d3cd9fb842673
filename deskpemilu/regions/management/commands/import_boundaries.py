from deskpemilu.core.commands import ImportCommand, existing_file, progress_bar
from deskpemilu.regions.geometry import read_features
from deskpemilu.regions.services import boundaries_import, outlines_rebuild


class Command(ImportCommand):
    help = (
        "Impor batas wilayah (GeoJSON FeatureCollection, properti 'kode'). "
        "Import region boundaries; the light copies for maps are then remade as one "
        "coverage from the villages' outlines."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = existing_file(file)
        features = read_features(path)
        with progress_bar(len(features), "batas wilayah") as progress:
            report = boundaries_import(path=path, progress=progress, features=features)
        self.stdout.write(self.style.SUCCESS(str(report)))
        rebuilt = outlines_rebuild()
        self.stdout.write(f"garis batas peta dibuat ulang: {rebuilt} wilayah")
