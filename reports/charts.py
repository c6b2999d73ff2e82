"""The insight page's figures drawn as charts (govuk.charts): one function a chart."""

from breaches.models import BreachCase
from govuk.charts import Bar, BarChart, bar_chart
from govuk.templatetags.govuk_dates import govuk_date

from .selectors import Confirmations, MonthOfCases, MonthOfDeclarations, Timeliness

TRACKS = {"": "not yet triaged", BreachCase.Track.INFORMAL: "informal", BreachCase.Track.FORMAL: "formal"}
OUTCOMES = {value: label.lower() for value, label in BreachCase.Outcome.choices}


def _month(month) -> str:
    return govuk_date(month, "short").split(" ", 1)[1]


def _breakdown(counts: dict[str, int], labels: dict[str, str]) -> str:
    return ", ".join(f"{count} {labels[value]}" for value, count in counts.items()) or "0"


def declared(months: list[MonthOfDeclarations]) -> BarChart:
    return bar_chart(
        "declarations-by-month",
        title="Declarations made each month",
        description="Declarations first submitted in each of the last 12 months, and how many were late.",
        bars=[Bar(_month(row.month), row.declared, f"{row.declared} ({row.late} late)") for row in months],
    )


def late(months: list[MonthOfDeclarations]) -> BarChart:
    return bar_chart(
        "late-share-by-month",
        title="Share of each month's declarations made late",
        description="The percentage of each month's declarations made after the partnership's deadline.",
        bars=[
            Bar(_month(row.month), row.late_percent, f"{row.late_percent}%" if row.declared else "none made")
            for row in months
        ],
        maximum=100,
    )


def confirmations(figures: Confirmations) -> BarChart:
    return bar_chart(
        "annual-confirmations",
        title=f"Annual confirmations for {figures.year or 'this year'}",
        description="Partners asked to confirm their declarations, by whether they have.",
        bars=[Bar("Confirmed", figures.confirmed), Bar("Outstanding", figures.outstanding)],
    )


def reported(months: list[MonthOfCases]) -> BarChart:
    return bar_chart(
        "cases-by-month",
        title="Concerns reported each month",
        description="Breach cases reported in each of the last 12 months, by the track they took.",
        bars=[Bar(_month(row.month), row.reported, _breakdown(row.by_track, TRACKS)) for row in months],
    )


def decided(months: list[MonthOfCases]) -> BarChart:
    return bar_chart(
        "outcomes-by-month",
        title="Cases decided each month",
        description="Breach cases decided in each of the last 12 months, by outcome.",
        bars=[
            Bar(_month(row.month), sum(row.by_outcome.values()), _breakdown(row.by_outcome, OUTCOMES)) for row in months
        ],
    )


def on_time(measures: list[Timeliness]) -> BarChart:
    return bar_chart(
        "times-against-targets",
        title="Cases dealt with on time",
        description="Of the cases reported in the last 12 months whose date has come, the share dealt with in time.",
        bars=[
            Bar(
                f"{row.name} {row.target}",
                row.met_percent,
                f"{row.met_percent}% of {row.due}" if row.due else "none due yet",
            )
            for row in measures
        ],
        maximum=100,
    )
