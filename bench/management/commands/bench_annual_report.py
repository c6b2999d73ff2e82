import datetime
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.two_factor import PROVIDER_MFA_SESSION_KEY
from breaches.models import BreachCase, PublishedCase
from conduct.models import Code, Membership, Organisation, Partner, Partnership, PartnershipRole, User
from declarations.models import Declaration

# How many decided cases of the year the programme manager has published: many more than a
# partnership would write up for publication in a year, so the report's lessons run to pages.
PUBLISHED = 100


class Command(BaseCommand):
    help = (
        "Time the annual report, as a page and as a PDF, for a partnership of all 20,000 partners holding "
        "every declaration and breach case of the benchmark (made in a transaction that is rolled back)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, runs, **options):
        year = timezone.localdate().year
        manager = User.objects.get(username="bench-manager")
        with transaction.atomic():
            partnership = self.partnership_of_everyone(manager)
            path = f"/reports/{partnership.slug}/{year}/"
            people = Partner.objects.filter(
                organisation__memberships__partnership=partnership, user__is_active=True
            ).count()
            counts = (
                f"{people} partners, {Declaration.objects.filter(partnership=partnership).count()} declarations, "
                f"{BreachCase.objects.filter(partnership=partnership).count()} breach cases, "
                f"{PublishedCase.objects.filter(partnership=partnership).count()} published"
            )
            client = Client()
            client.force_login(manager)
            # The second factor, as a work-account sign-in whose provider used one would record it.
            session = client.session
            session[PROVIDER_MFA_SESSION_KEY] = True
            session.save()
            with override_settings(ALLOWED_HOSTS=["testserver"]):
                for name, url in (("page", path), ("PDF", path.rstrip("/") + ".pdf")):
                    self.stdout.write(f"Annual report {year} as a {name}: {self.time(client, url, runs)} ({counts})")
            transaction.set_rollback(True)

    def partnership_of_everyone(self, manager: User) -> Partnership:
        """Every benchmark organisation in one partnership, which takes over every declaration
        and breach case, with `PUBLISHED` of the year's decided cases on its register."""
        partnership = Partnership.objects.create(
            slug="bench-annual-report",
            name="Bench partnership for the annual report",
            kind="alliance",
            code=Code.objects.get(slug="bench-code-0"),
        )
        Membership.objects.bulk_create(
            Membership(organisation=organisation, partnership=partnership, started_on=datetime.date(2023, 1, 1))
            for organisation in Organisation.objects.filter(slug__startswith="bench-organisation-")
        )
        PartnershipRole.objects.create(
            user=manager, partnership=partnership, role=PartnershipRole.Role.PROGRAMME_MANAGER
        )
        Declaration.objects.filter(partnership__slug__startswith="bench-partnership-").update(partnership=partnership)
        cases = BreachCase.objects.filter(partnership__slug__startswith="bench-partnership-")
        cases.update(partnership=partnership)
        decided = BreachCase.objects.filter(
            partnership=partnership, decided_at__year=timezone.localdate().year
        ).order_by("pk")[:PUBLISHED]
        for case in decided:
            publication = PublishedCase.objects.create(
                case=case,
                partnership=partnership,
                track=case.track,
                outcome=case.outcome,
                decided_in=timezone.localdate(case.decided_at).replace(day=1),
                summary="A partner shared figures given in confidence at a board meeting.",
                lessons="Board papers now say which figures are confidential, and until when.",
                published_by=manager,
            )
            publication.cited_items.set(case.cited_items.all())
        # Statistics for the rows just moved, as autovacuum would keep them for a real partnership.
        with connection.cursor() as cursor:
            for model in (Membership, Declaration, BreachCase, PublishedCase):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        return partnership

    def time(self, client: Client, url: str, runs: int) -> str:
        timings, in_database = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.monotonic()
                response = client.get(url)
                timings.append(time.monotonic() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            in_database.append(sum(float(query["time"]) for query in queries.captured_queries))
        return (
            f"median {statistics.median(timings) * 1000:.0f} ms "
            f"({statistics.median(in_database) * 1000:.0f} ms in {len(queries)} queries), "
            f"slowest {max(timings) * 1000:.0f} ms of {runs}"
        )
