"""The day counts at three grains (one per level whose summary reads them).

The counts kept so far are dropped and the dashboard state marked as never rebuilt:
the dashboard counts the incidents directly until the worker's next run, which
counts every day again at every grain.
"""

from django.db import migrations, models


def drop_counts(apps, schema_editor):
    apps.get_model("situation", "DayCount").objects.all().delete()
    apps.get_model("situation", "DayCategoryCount").objects.all().delete()
    apps.get_model("situation", "DashboardState").objects.update(rebuilt_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("situation", "0003_regionstatus_public_level"),
    ]

    operations = [
        migrations.RunPython(drop_counts, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="daycount", name="daycount_read_idx"),
        migrations.RemoveIndex(
            model_name="daycategorycount", name="daycategory_read_idx"
        ),
        migrations.AddField(
            model_name="daycount",
            name="grain",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="daycategorycount",
            name="grain",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="daycount",
            name="area",
            field=models.CharField(max_length=10),
        ),
        migrations.AlterField(
            model_name="daycategorycount",
            name="area",
            field=models.CharField(max_length=10),
        ),
        migrations.AddIndex(
            model_name="daycount",
            index=models.Index(
                fields=["grain", "day", "area", "stage", "severity", "status", "n"],
                name="daycount_grain_read_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="daycategorycount",
            index=models.Index(
                fields=["grain", "day", "area", "stage", "category", "status", "n"],
                name="daycategory_grain_read_idx",
            ),
        ),
    ]
