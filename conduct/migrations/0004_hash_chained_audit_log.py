# The audit log becomes a hash chain. There was no deployed data, so the
# unchained table is replaced rather than back-filled.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conduct", "0003_reviews_reminders_and_queued_tasks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="AuditEntry"),
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_sequence", models.BigIntegerField(default=0)),
                (
                    "last_hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sequence", models.BigIntegerField(unique=True)),
                ("at", models.DateTimeField()),
                ("action", models.CharField(max_length=60)),
                ("subject_type", models.CharField(max_length=60)),
                ("subject_id", models.CharField(max_length=60)),
                ("summary", models.TextField()),
                ("reason", models.TextField(blank=True)),
                ("previous_hash", models.CharField(max_length=64)),
                ("entry_hash", models.CharField(max_length=64)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "audit entries",
                "ordering": ["-sequence"],
                "indexes": [models.Index(fields=["subject_type", "subject_id"], name="conduct_aud_subject_159c47_idx")],
            },
        ),
    ]
