import datetime
import time

from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from conduct import selectors, services
from conduct.models import Code, CodeVersion, Membership, Organisation, Partnership, SignatureRequest, User
from config import celery_app

TIME_LIMIT_SECONDS = 600


class Command(BaseCommand):
    help = "Publish a version to 20,000 partners and time how long until every one has been asked and emailed."

    def handle(self, *args, **options):
        code = Code.objects.get(slug="bench-code-1")
        partnership, created = Partnership.objects.get_or_create(
            slug="bench-all", defaults={"name": "Bench partnership of everyone", "kind": "alliance", "code": code}
        )
        if created:
            Membership.objects.bulk_create(
                Membership(organisation=organisation, partnership=partnership, started_on=datetime.date(2023, 1, 1))
                for organisation in Organisation.objects.filter(slug__startswith="bench-organisation-")
            )
        admin = User.objects.get(username="bench-admin")
        draft = code.versions.filter(status=CodeVersion.Status.DRAFT).first() or services.code_version_start_draft(
            code=code, actor=admin
        )
        expected = selectors.partners_expected_to_sign(draft).count()
        # The worker renders and sends every email, into memory: what is timed is the work, not an SMTP server.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
        ):
            started = time.monotonic()
            services.code_version_publish(version=draft, actor=admin)
            returned = time.monotonic() - started
            emailed = 0
            while emailed < expected and time.monotonic() - started < TIME_LIMIT_SECONDS:
                time.sleep(0.5)
                emailed = SignatureRequest.objects.filter(version=draft, emailed_at__isnull=False).count()
            finished = time.monotonic() - started
        self.stdout.write(
            f"Publishing returned in {returned * 1000:.0f} ms; {emailed} of {expected} partners were asked and emailed "
            f"in {finished:.1f} s (batches of {settings.SIGNATURE_REQUEST_BATCH_SIZE}, "
            f"broker {settings.CELERY_BROKER_URL.split(':')[0]})."
        )
