"""The retention schedule's periods, the record of every erasure, and subject access requests."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from conduct.models import User

from .retention_schedule import Kind


class RetentionRule(models.Model):
    """An administrator's period for one kind of record; a kind without one keeps its default."""

    kind = models.CharField(max_length=40, choices=Kind.choices, unique=True)
    months = models.PositiveSmallIntegerField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="retention_rule_kind_valid"),
            models.CheckConstraint(condition=Q(months__gte=1), name="retention_rule_months_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.months} months"


class Erasure(models.Model):
    """One record whose personal data the schedule erased. The unique key makes
    a second run, or two at once, erase each record once."""

    kind = models.CharField(max_length=40, choices=Kind.choices)
    subject_id = models.PositiveBigIntegerField()
    erased_at = models.DateTimeField()
    months = models.PositiveSmallIntegerField(help_text="The period in force when it was erased.")

    class Meta:
        ordering = ["-erased_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id"], name="one_erasure_per_record"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="erasure_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.subject_id} erased {self.erased_at:%Y-%m-%d}"


class SubjectAccessStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class SubjectAccessRequest(models.Model):
    """A person's request for everything Conduct holds about them (UK GDPR Article 15),
    answered within one month of receipt. Each export made for it is in the audit log."""

    Status = SubjectAccessStatus
    TRANSITIONS = {Status.OPEN: {Status.ANSWERED}, Status.ANSWERED: set()}

    subject = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_by = models.CharField(
        max_length=200, help_text="Who made the request: the person, or someone acting for them."
    )
    received_on = models.DateField()
    due_on = models.DateField(help_text="One month after it was received (UK GDPR Article 12(3)).")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SubjectAccessStatus.values), name="sar_status_valid"),
            models.CheckConstraint(condition=Q(due_on__gt=models.F("received_on")), name="sar_due_after_received"),
            models.CheckConstraint(
                condition=Q(status=SubjectAccessStatus.OPEN, answered_at__isnull=True, answered_by__isnull=True)
                | Q(status=SubjectAccessStatus.ANSWERED, answered_at__isnull=False, answered_by__isnull=False),
                name="sar_answered_has_who_and_when",
            ),
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(status=SubjectAccessStatus.OPEN), name="sar_open_by_due_date")
        ]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:subject-access-request", kwargs={"pk": self.pk})
