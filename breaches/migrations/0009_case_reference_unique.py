from django.db import migrations, models

import breaches.models


class Migration(migrations.Migration):
    """Apart from 0008, which fills the column: PostgreSQL will not alter a table in
    the transaction that has just updated its rows."""

    dependencies = [
        ("breaches", "0008_case_reference_and_submission"),
    ]

    operations = [
        migrations.AlterField(
            model_name="breachcase",
            name="reference",
            field=models.CharField(
                default=breaches.models.case_reference_new, editable=False, max_length=20, unique=True
            ),
        ),
    ]
