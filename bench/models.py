from django.db import models


class ReferenceRow(models.Model):
    """Rows for the benchmark's reference page: the ceiling a plain paginated
    Django list reaches on the same server."""

    name = models.CharField(max_length=100)
    organisation = models.CharField(max_length=100)
    amount = models.IntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
