from django.db import migrations, models
from django.db.models import F


def finish_tasks_already_sent(apps, schema_editor):
    # Tasks sent before this record existed ran long ago: the sweeper must not send them again.
    QueuedTask = apps.get_model("conduct", "QueuedTask")
    QueuedTask.objects.filter(sent_at__isnull=False).update(finished_at=F("sent_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("conduct", "0013_principle_items_may_have_no_wording"),
    ]

    operations = [
        migrations.AddField(
            model_name="queuedtask",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(finish_tasks_already_sent, migrations.RunPython.noop),
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                ("name", models.CharField(max_length=50, primary_key=True, serialize=False)),
                ("beat_at", models.DateTimeField()),
            ],
        ),
        migrations.AddIndex(
            model_name="queuedtask",
            index=models.Index(
                condition=models.Q(("finished_at__isnull", True), ("sent_at__isnull", False)),
                fields=["sent_at"],
                name="queued_task_unfinished",
            ),
        ),
    ]
