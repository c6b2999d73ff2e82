"""An uploaded list of people, kept between its preview and the administrator's confirmation."""

from django.db import models

from conduct.models import Partnership, User


class PeopleUpload(models.Model):
    """Nothing is written from a list until someone confirms its preview; the file waits here."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="people_uploads")
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    full_list = models.BooleanField(default=False, help_text="Everyone of the partnership not on the list leaves.")
    adds_organisations = models.BooleanField(
        default=False, help_text="Organisations on the list that are not members join; otherwise they are row errors."
    )
    imported_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.filename} for {self.partnership}"
