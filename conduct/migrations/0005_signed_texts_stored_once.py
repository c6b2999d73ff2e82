# A version's signed text is stored once, not once per signature.

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def move_texts(apps, schema_editor):
    Signature = apps.get_model("conduct", "Signature")
    SignedText = apps.get_model("conduct", "SignedText")
    for signature in Signature.objects.all():
        digest = hashlib.sha256(signature.signed_text.encode("utf-8")).hexdigest()
        SignedText.objects.get_or_create(sha256=digest, defaults={"text": signature.signed_text})
        Signature.objects.filter(pk=signature.pk).update(signed_text_ref_id=digest)


class Migration(migrations.Migration):
    dependencies = [("conduct", "0004_hash_chained_audit_log")]

    operations = [
        migrations.CreateModel(
            name="SignedText",
            fields=[
                ("sha256", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("text", models.TextField()),
            ],
            options={"verbose_name": "signed text"},
        ),
        migrations.AddField(
            model_name="signature",
            name="signed_text_ref",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="conduct.signedtext"
            ),
        ),
        migrations.RunPython(move_texts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="signature", name="signed_text"),
        migrations.RenameField(model_name="signature", old_name="signed_text_ref", new_name="signed_text"),
        migrations.AlterField(
            model_name="signature",
            name="signed_text",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="signatures", to="conduct.signedtext"
            ),
        ),
        migrations.AlterField(
            model_name="signature",
            name="text_sha256",
            field=models.CharField(help_text="The SHA-256 of the text, as computed when it was signed.", max_length=64),
        ),
    ]
