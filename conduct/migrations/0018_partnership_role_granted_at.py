import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conduct", "0017_decision_making_staff"),
    ]

    operations = [
        # Added without a default first, so that roles granted before stay undated (not "now").
        migrations.AddField(
            model_name="partnershiprole",
            name="granted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="partnershiprole",
            name="granted_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
    ]
