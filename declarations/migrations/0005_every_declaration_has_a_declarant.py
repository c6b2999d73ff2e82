import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0004, so that PostgreSQL has checked the filled-in keys before the column becomes required."""

    dependencies = [
        ("declarations", "0004_everyone_who_decides_declares"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="declaration",
            name="declarant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="declarations", to=settings.AUTH_USER_MODEL
            ),
        ),
    ]
