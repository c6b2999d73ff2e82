from django.db import migrations, models


def keep_the_references_already_given(apps, schema_editor):
    """Cases reported before keep the reference people already know them by."""
    BreachCase = apps.get_model("breaches", "BreachCase")
    for pk in BreachCase.objects.values_list("pk", flat=True).iterator():
        BreachCase.objects.filter(pk=pk).update(reference=f"BC-{pk:05d}")


class Migration(migrations.Migration):
    dependencies = [
        ("breaches", "0007_appeals"),
    ]

    operations = [
        migrations.AddField(
            model_name="breachcase",
            name="reference",
            field=models.CharField(editable=False, max_length=20, null=True),
        ),
        migrations.RunPython(keep_the_references_already_given, migrations.RunPython.noop),
        migrations.AddField(
            model_name="breachcase",
            name="submission_sha256",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
    ]
