"""A breach case's status as a GOV.UK tag, written by a filter rather than an
included template: the queue shows one per row, and an include per row cost
more than the rest of the row."""

from django import template

from breaches.models import BreachCase
from govuk.tags import govuk_tags

register = template.Library()

COLOURS = {
    BreachCase.Status.REPORTED: "blue",
    BreachCase.Status.INFORMAL: "turquoise",
    BreachCase.Status.FORMAL: "purple",
    BreachCase.Status.DECIDED: "green",
    BreachCase.Status.CLOSED: "grey",
    BreachCase.Status.WITHDRAWN: "grey",
}
LABELS = dict(BreachCase.Status.choices)


@register.filter
def status_tag(case: BreachCase) -> str:
    return govuk_tags((COLOURS[case.status], LABELS[case.status]))
