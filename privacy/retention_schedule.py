"""The kinds of record the retention schedule retires, their default periods and
where each default comes from. An administrator may change a period in the app
(`privacy.services.retention_rule_set`); docs/retention.md explains each row."""

from dataclasses import dataclass

from django.db import models


class Kind(models.TextChoices):
    CLOSED_BREACH_CASES = "closed_breach_cases", "Closed breach cases"
    EVIDENCE = "evidence", "Evidence of closed breach cases"
    ANONYMOUS_FOLLOW_UP = "anonymous_follow_up", "Follow-up messages of anonymous reports"
    ENDED_DECLARATIONS = "ended_declarations", "Ended declarations of interest"
    SUPERSEDED_SIGNATURES = "superseded_signatures", "Signatures of superseded or withdrawn versions"
    LEFT_ACCOUNTS = "left_accounts", "Accounts of people who left"


@dataclass(frozen=True)
class Default:
    months: int
    counted_from: str
    erased: str
    kept: str
    source: str


LIMITATION_ACT = "Limitation Act 1980, sections 2 and 5: six years in which a claim can be brought."
MINIMISATION = (
    "UK GDPR Article 5(1)(c) and (e), data minimisation and storage limitation: "
    "the decision record keeps what the case needs once it is closed."
)

DEFAULTS = {
    Kind.CLOSED_BREACH_CASES: Default(
        72,
        "the day the case was closed or withdrawn",
        "reporter, reporter's name and email, the person named, the place, every free-text account, "
        "reason and message, the evidence files and their names",
        "partnership, organisation, dates, severity, track, outcome and every move of the case",
        LIMITATION_ACT,
    ),
    Kind.EVIDENCE: Default(
        12,
        "the day the case was closed or withdrawn",
        "the evidence files and the names they were uploaded under",
        "that evidence was given, its type, size and date",
        MINIMISATION,
    ),
    Kind.ANONYMOUS_FOLLOW_UP: Default(
        6,
        "the day the case was closed or withdrawn",
        "the messages exchanged with the anonymous reporter, and the receipt code that opened them",
        "the case itself (until its own period ends) and when each message was sent",
        MINIMISATION + " The receipt code is needed only while the reporter may still ask about the outcome.",
    ),
    Kind.ENDED_DECLARATIONS: Default(
        72,
        "the day the declaration ended",
        "the other party's name, the description, management actions' details and every note",
        "partnership, organisation, kind, situation, dates, value and status",
        "NHS England, Managing Conflicts of Interest in the NHS (2017): records of interests kept for "
        "six years after the interest ended.",
    ),
    Kind.SUPERSEDED_SIGNATURES: Default(
        72,
        "the day the version signed was superseded or withdrawn",
        "the name typed when signing",
        "who signed which version when (by account), and the text signed with its hash",
        LIMITATION_ACT,
    ),
    Kind.LEFT_ACCOUNTS: Default(
        72,
        "the day the person's organisation left its last partnership",
        "username, name, email address, job title and password; the account is closed",
        "the account's number, so that counts of signatures and declarations stay right",
        LIMITATION_ACT,
    ),
}
