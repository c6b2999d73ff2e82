from django.db import migrations, models


class Migration(migrations.Migration):
    """A role's grant is dated only by the doors that ask a decision-maker on appointment: a role
    made straight into the table (the admin, fixtures) is left undated, so the annual round asks."""

    dependencies = [
        ("conduct", "0018_partnership_role_granted_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="partnershiprole",
            name="granted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
