from django.core.management.base import BaseCommand, CommandError

from conduct.audit_log import audit_chain_verify
from conduct.models import AuditEntry


class Command(BaseCommand):
    help = "Check that no audit log entry has been edited or removed since it was written."

    def handle(self, *args, **options):
        problems = audit_chain_verify()
        if problems:
            raise CommandError("The audit log has been tampered with:\n" + "\n".join(problems))
        self.stdout.write(f"The audit log is intact: {AuditEntry.objects.count()} entries.")
