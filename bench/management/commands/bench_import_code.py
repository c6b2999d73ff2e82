import re
import time
from html import unescape

from django.core.management.base import BaseCommand
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.code_documents import numbered_code
from conduct import services
from conduct.code_import import read_code
from conduct.forms import proposal_rows
from conduct.models import Code, Partnership, User

DETAILS = re.compile(r'name="(details-[^"]+)"[^>]*? value="([^"]*)"')


class Command(BaseCommand):
    help = (
        "Paste a 200-clause code into the import page, as an administrator's browser would: "
        "time the preview, then making the draft from it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clauses", type=int, default=200)
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, clauses, runs, **options):
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            admin = User.objects.create_superuser("bench-import-admin", "bench-import-admin@example.org", None)
        client = Client(secure=True)  # as production serves it, behind HTTPS
        client.force_login(admin)
        # An administrator has given their second factor before any page opens to them.
        device = TOTPDevice.objects.filter(user=admin, confirmed=True).first() or TOTPDevice.objects.create(
            user=admin, name="Benchmark authenticator", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        document = numbered_code(clauses)
        previews, drafts = [], []
        for run in range(runs):
            name = f"bench-import-code-{int(time.time())}-{run}"
            partnership = Partnership.objects.create(
                name=name, slug=name, kind="other", code=Code.objects.order_by("pk").first()
            )
            code = services.code_create(title=f"{name} code", partnership=partnership, actor=admin)
            started = time.monotonic()
            preview = client.post(f"/manage/codes/{code.slug}/import/", {"text": document})
            previews.append(time.monotonic() - started)
            assert preview.status_code == 200 and b"Check the structure" in preview.content, preview.status_code
            data = {"document": document}
            html = preview.content.decode()
            data.update(re.findall(r'name="(form-[A-Z_]+)" value="(\d+)"', html))
            # The details the preview proposes (title, label, dates, reviews), confirmed as they are.
            data.update((name, unescape(value)) for name, value in re.findall(DETAILS, html))
            # What the preview's form sends back unchanged: the proposed value of each item.
            for index, row in enumerate(proposal_rows(read_code(document))):
                data[f"form-{index}-number"], data[f"form-{index}-kind"] = row["number"], row["kind"]
                if row["nested"]:
                    data[f"form-{index}-nested"] = "on"
            started = time.monotonic()
            made = client.post(f"/manage/codes/{code.slug}/import/confirm/", data)
            drafts.append(time.monotonic() - started)
            assert made.status_code == 302, made.status_code
        items = code.versions.get().sections.values_list("items", flat=True).count()
        self.stdout.write(
            f"A {clauses}-clause document ({len(document) / 1024:.0f} KB, {items} items with sub-points): "
            f"pasted and previewed in {min(previews):.2f} s (best of {runs}; worst {max(previews):.2f} s), "
            f"the draft made from the preview in {min(drafts):.2f} s (worst {max(drafts):.2f} s). "
            "Target: importing and previewing under 2 s."
        )
