"""The retention schedule's periods and the record of every erasure."""

from django.db import models
from django.db.models import Q

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
