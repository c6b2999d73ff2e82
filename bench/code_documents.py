"""A long code of conduct written for the benchmark and the query-count tests: numbered
sections of numbered clauses, every third with lettered sub-points."""


def numbered_code(clauses: int = 200, *, per_section: int = 10) -> str:
    lines = ["Benchmark Partnership Code of Conduct", "Version 1, March 2026", ""]
    lines.append("We review this code lightly every year and in full every three years.")
    for number in range(1, clauses + 1):
        section, clause = divmod(number - 1, per_section)
        if clause == 0:
            lines += ["", f"{section + 1}. Standards of part {section + 1}", ""]
        lines.append(
            f"{section + 1}.{clause + 1} Members will uphold standard {number}, acting openly and fairly "
            "in every decision the partnership takes."
        )
        if number % 3 == 0:
            lines += ["(a) declaring any interest first; and", "(b) recording the reasons for the decision."]
    return "\n".join(lines) + "\n"
