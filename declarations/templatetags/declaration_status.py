"""A declaration's status as GOV.UK tags, written by a filter rather than an
included template: registers show one per row, and an include per row cost more
than the rest of the row."""

from django import template

from declarations.models import Declaration
from govuk.tags import govuk_tags

register = template.Library()

COLOURS = {
    Declaration.Status.DRAFT: "grey",
    Declaration.Status.SUBMITTED: "blue",
    Declaration.Status.RETURNED: "orange",
    Declaration.Status.ACCEPTED: "green",
    Declaration.Status.ENDED: "grey",
}
LABELS = dict(Declaration.Status.choices)


@register.filter
def status_tags(declaration: Declaration) -> str:
    """The status, and whether the declaration was late, voluntary (below a threshold) or is withheld
    from the public register."""
    tags = [(COLOURS[declaration.status], LABELS[declaration.status])]
    if declaration.is_late:
        tags.append(("red", "Late"))
    if declaration.is_voluntary:
        tags.append(("blue", "Voluntary"))
    if declaration.is_withheld:
        tags.append(("purple", "Withheld"))
    return govuk_tags(*tags)
