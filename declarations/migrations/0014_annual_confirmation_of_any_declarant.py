import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def person_from_partner(apps, schema_editor):
    AnnualConfirmation = apps.get_model("declarations", "AnnualConfirmation")
    Partner = apps.get_model("conduct", "Partner")
    AnnualConfirmation.objects.update(
        person_id=Subquery(Partner.objects.filter(pk=OuterRef("partner_id")).values("user_id")[:1])
    )


class Migration(migrations.Migration):
    """Decision-making staff who are not partners are asked too: a request names the person."""

    dependencies = [
        ("conduct", "0018_partnership_role_granted_at"),
        ("declarations", "0013_register_of_decision_makers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="annualconfirmation",
            name="person",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="annual_confirmations",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(person_from_partner, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="annualconfirmation",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="annual_confirmations",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RemoveConstraint(model_name="annualconfirmation", name="one_annual_confirmation_a_year"),
        migrations.RemoveField(model_name="annualconfirmation", name="partner"),
        migrations.AddConstraint(
            model_name="annualconfirmation",
            constraint=models.UniqueConstraint(
                fields=("person", "partnership", "year"), name="one_annual_confirmation_a_year"
            ),
        ),
    ]
