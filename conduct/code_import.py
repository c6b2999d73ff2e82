"""Read a code of conduct from its own document and propose its structure.

A document arrives as pasted text, or as a .docx, Markdown or plain-text file.
A .docx is first written out as the text a person would type for it (Word's
headings as `#` lines, its list numbering as the numbers it shows), so one
reader serves every form. Nothing here touches the database: the proposal is
shown to an administrator, who corrects it, and `services.code_draft_import`
saves it.

What it recognises, and why:
- the title block (the first lines, with any "Draft", "Version 2" or date as
  the document's own label), a preamble (prose before the first heading), and
  the dates ("Date of last full review: …" wherever it stands) and review
  cadence the document states;
- headings as sections: Markdown or Word headings, a line in bold, or a short
  line with no closing punctuation that does not introduce a list;
- numbered clauses (`1.`, `4.2`, `4.2.1`, and Markdown's `1.` indented under
  clause 2, read as 2.1) and, under a numbered clause, its sub-points (`(a)`,
  `(i)`, `a)`, bullets), one level deep as items nest (a `4.2.1` holding
  sub-points of its own stands after 4.2 to hold them);
- a bullet with a bold lead-in as a titled value, or as a principle when the
  lead-in names one of the seven principles of public life; a line naming a
  principle followed by its wording likewise;
- the kind of each item from its words: a list takes its kind from the line
  that introduces it ("We will:", "Partners will not:"); sections and clauses on
  conflicts, confidentiality, breaches and discrimination hold rules.
Lines it cannot place are listed in the proposal, never silently dropped.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

MAX_CHARACTERS = 1_000_000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = {"", ".txt", ".text", ".md", ".markdown"}

PRINCIPLES = {
    "selflessness": "Selflessness",
    "integrity": "Integrity",
    "objectivity": "Objectivity",
    "accountability": "Accountability",
    "openness": "Openness",
    "honesty": "Honesty",
    "leadership": "Leadership",
}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eighteen": 18,
    "twelve": 12,
    "other": 2,
}

# Topics a rule may have, by the words of the heading or clause that holds it.
TOPIC_WORDS = [
    ("non_discrimination", re.compile(r"discriminat", re.I)),
    ("conflicts", re.compile(r"conflicts? of interest|declar\w* (?:any |an |their )?interests?", re.I)),
    ("confidentiality", re.compile(r"confidential", re.I)),
    ("breach", re.compile(r"\bbreach", re.I)),
]


class DocumentError(ValueError):
    """A document the importer cannot read; the message says why and what to do."""


@dataclass
class ProposedItem:
    kind: str
    text: str
    number: str = ""
    title: str = ""
    topic: str = ""
    principle: str = ""
    line: int = 0
    children: list["ProposedItem"] = field(default_factory=list)


@dataclass
class ProposedSection:
    heading: str
    items: list[ProposedItem] = field(default_factory=list)


@dataclass
class Proposal:
    title: str = ""
    label: str = ""
    version_date: datetime.date | None = None
    last_full_review_on: datetime.date | None = None
    # The model's defaults, unless the document states its own.
    light_touch_review_months: int = 12
    full_review_months: int = 36
    cadence_stated: bool = False
    preamble: str = ""
    sections: list[ProposedSection] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)

    def items(self) -> list[tuple[ProposedSection, ProposedItem, ProposedItem | None]]:
        """(section, item, parent) in document order."""
        rows = []
        for section in self.sections:
            for item in section.items:
                rows.append((section, item, None))
                rows += [(section, child, item) for child in item.children]
        return rows

    @property
    def has_structure(self) -> bool:
        """More than one section, or anything but free text."""
        return len(self.sections) > 1 or any(
            item.kind != "text" or item.number or parent for _s, item, parent in self.items()
        )

    def kind_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _section, item, _parent in self.items():
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return counts


# ---------------------------------------------------------------------------
# Reading the document as text


def document_text(*, name: str, content: bytes) -> str:
    """The text of an uploaded file: a .docx written out as text, anything else decoded."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise DocumentError("The file is larger than 5 MB. Upload the code's text alone, without images.")
    suffix = PurePath(name.lower()).suffix
    if suffix == ".docx":
        return docx_text(content)
    # A PDF or an older Word file may hold no byte that gives it away, and its insides would be
    # read as words; a file with no suffix at all, as a script may name one, is read as text.
    if suffix not in TEXT_SUFFIXES:
        raise DocumentError(
            f"Conduct cannot read a {suffix} file. Upload a Word document (.docx), Markdown or plain text file, "
            "or paste the code's text."
        )
    if b"\x00" in content[:8192]:
        raise DocumentError("The file is not text. Upload a Word document (.docx), Markdown or plain text file.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def docx_text(content: bytes) -> str:
    """A Word document as text: headings as `#` lines, lists with the numbers Word shows."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentError(
            "The file is not a Word document that can be read. Save it again from Word as .docx, or paste its text."
        ) from error
    numbering = _WordNumbering(document)
    lines = []
    for paragraph in document.paragraphs:
        text = _runs_text(paragraph)
        if not text.strip():
            lines.append("")
            continue
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
        # Read even for a heading: Word's outline lists number headings ("2.") as their first
        # level, and the clauses under them count on from those numbers ("2.1").
        marker, level = numbering.label(paragraph)
        if style == "Title" or style.startswith("Heading"):
            heading = 1 if style == "Title" else int(re.sub(r"\D", "", style) or 1) + 1
            number = f"{marker} " if marker not in (None, "-") else ""
            lines += ["#" * min(heading, 6) + " " + number + text.replace("**", ""), ""]
            continue
        if marker is None and style.startswith("List Bullet"):
            marker, level = "-", 0
        if marker is None and style.startswith("List Number"):
            marker, level = numbering.plain_number(style), 0
        if marker is not None:
            lines.append("  " * level + f"{marker} {text}")
        else:
            lines += [text, ""]
    return "\n".join(lines)


def _runs_text(paragraph) -> str:
    """A paragraph's words, with a bold lead-in marked as Markdown would."""
    runs = [(run.text, bool(run.bold)) for run in paragraph.runs]
    text = "".join(t for t, _ in runs)
    if not runs or not text.strip():
        return text
    lead = ""
    for t, bold in runs:
        if not bold:
            break
        lead += t
    if lead.strip() and lead.strip() != text.strip():
        return f"**{lead.strip()}** {text[len(lead) :].strip()}"
    if lead.strip() and len(text) <= 90:
        return f"**{text.strip()}**"
    return text


def _roman(number: int) -> str:
    result = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            result += letters
            number -= value
    return result


def _letter(number: int) -> str:
    return chr(ord("a") + (number - 1) % 26)


class _WordNumbering:
    """Word keeps a list's numbers as counters and a pattern per level ("%1.%2", "(%3)");
    the text shows only what the counters make of them."""

    FORMATS = {
        "decimal": str,
        "lowerLetter": _letter,
        "upperLetter": lambda n: _letter(n).upper(),
        "lowerRoman": _roman,
        "upperRoman": lambda n: _roman(n).upper(),
    }

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.style_counters: dict[str, int] = {}
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError):
            return
        ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
        w = "{" + ns["w"] + "}"
        root = part.element
        abstract = {}
        for node in root.findall("w:abstractNum", ns):
            levels = {}
            for lvl in node.findall("w:lvl", ns):
                fmt = lvl.find("w:numFmt", ns)
                text = lvl.find("w:lvlText", ns)
                start = lvl.find("w:start", ns)
                levels[int(lvl.get(w + "ilvl"))] = (
                    fmt.get(w + "val") if fmt is not None else "decimal",
                    text.get(w + "val") if text is not None else "",
                    int(start.get(w + "val")) if start is not None else 1,
                )
            abstract[node.get(w + "abstractNumId")] = levels
        for num in root.findall("w:num", ns):
            ref = num.find("w:abstractNumId", ns)
            if ref is not None:
                self.levels[num.get(w + "numId")] = abstract.get(ref.get(w + "val"), {})

    def label(self, paragraph) -> tuple[str | None, int]:
        num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        if num_pr is None and paragraph.style is not None:
            style_pr = paragraph.style.element.pPr
            num_pr = style_pr.numPr if style_pr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None, 0
        num_id = str(num_pr.numId.val)
        level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return None, 0
        counters = self.counters.setdefault(num_id, [0] * 9)
        fmt, pattern, start = levels[level]
        counters[level] = max(counters[level], start - 1) + 1
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        if fmt == "bullet":
            return "-", level

        def value(match):
            index = int(match.group(1)) - 1
            fmt_of, _pattern, start_of = levels.get(index, ("decimal", "", 1))
            return self.FORMATS.get(fmt_of, str)(counters[index] or start_of)

        return re.sub(r"%(\d)", value, pattern).strip() or "-", level

    def plain_number(self, style: str) -> str:
        self.style_counters[style] = self.style_counters.get(style, 0) + 1
        return f"{self.style_counters[style]}."


# ---------------------------------------------------------------------------
# Lines


BULLET = re.compile(r"^[-*•–·▪]\s+(.*)$")
CLAUSE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)])\s+(.*)$")
SUB_POINT = re.compile(r"^(\(([a-zA-Z]{1,4})\)|([a-zA-Z]{1,4})[.)])\s+(.*)$")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)(\*\*|__)[.:]?$")
# "**Honesty** – we tell the truth": the stop, colon or dash between lead-in and wording is neither's.
LEAD_PUNCTUATION = " .:-–—"
BOLD_LEAD = re.compile(r"^(?:\*\*|__)(.+?)(?:\*\*|__)\s*[.:\-–—]?\s*(.*)$")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
RULE_LINE = re.compile(r"^[\s\-*_=|:#~.]+$")
ROMAN = re.compile(r"^(?=[ivxl])(x{0,3})(ix|iv|v?i{0,3})$")
DATE = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b",
    re.I,
)
ADOPTED = re.compile(r"\b(?:adopted|approved|agreed|published|effective|dated)\s+(?:from\s+|on\s+)?(.{0,30})", re.I)
REVIEW_DATE = re.compile(r"^(?:date of )?last (?:full )?review(?:ed)?(?: date)?\s*[:\-–]?\s*(.*)$", re.I)


@dataclass(eq=False)
class Line:
    number: int  # in the document, from 1
    kind: str  # heading, bullet, clause, sub, text, rule
    text: str
    indent: int = 0
    marker: str = ""
    level: int = 0  # for headings: 1 is the title's level


def _clean(text: str) -> str:
    text = LINK.sub(r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _strip_bold(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip()


def _classify(number: int, raw: str) -> Line:
    indent = len(raw) - len(raw.lstrip(" \t"))
    text = raw.strip()
    if match := MARKDOWN_HEADING.match(text):
        return Line(number, "heading", _strip_bold(_clean(match.group(2))), level=len(match.group(1)))
    if RULE_LINE.match(text):
        return Line(number, "rule", text)
    if match := BULLET.match(text):
        return Line(number, "bullet", _clean(match.group(1)), indent, "-")
    if match := CLAUSE.match(text):
        return Line(number, "clause", _clean(match.group(2)), indent, match.group(1).rstrip(".)"))
    if (match := SUB_POINT.match(text)) and _looks_like_sub_point(match):
        return Line(number, "sub", _clean(match.group(4)), indent, match.group(1))
    if match := BOLD_LINE.match(text):
        return Line(number, "heading", _clean(match.group(2)), level=0)
    return Line(number, "text", _clean(text), indent)


def _looks_like_sub_point(match) -> bool:
    """(a), a), (iv), iv. — but not "I. " or "A " starting a sentence."""
    letters = match.group(2) or match.group(3)
    if match.group(2) is None and not letters.islower():
        return False
    return len(letters) == 1 or bool(ROMAN.match(letters.lower()))


def _logical_lines(text: str) -> list[Line | None]:
    """Lines of the document, wrapped lines joined as Markdown joins them; None for a blank line."""
    lines: list[Line | None] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            lines.append(None)
            continue
        line = _classify(number, raw)
        previous = lines[-1] if lines else None
        # A line with no marker continues the paragraph or list item above it when it was
        # wrapped: the line above is long, or this one is indented under it or starts mid-sentence.
        if (
            line.kind == "text"
            and previous is not None
            and previous.kind in ("text", "bullet", "clause", "sub")
            and (len(previous.text) >= 60 or line.indent > previous.indent or line.text[:1].islower())
            and not PRINCIPLE_LEAD.match(line.text)
        ):
            previous.text = f"{previous.text} {line.text}"
            continue
        lines.append(line)
    # A paragraph broken by a stray blank line mid-sentence: the next one starts in lower case.
    joined: list[Line | None] = []
    for line in lines:
        if line is not None and line.kind == "text" and line.text[:1].islower():
            before = next((x for x in reversed(joined) if x is not None), None)
            if before is not None and before.kind == "text" and not before.text.endswith((".", ":", "?", "!")):
                before.text = f"{before.text} {line.text}"
                continue
        joined.append(line)
    return joined


# ---------------------------------------------------------------------------
# Dates and the review cadence


def parse_date(text: str) -> datetime.date | None:
    """The first date in the text; a month and year alone is the first of the month."""
    match = DATE.search(text)
    if not match:
        return None
    day, month, year = match.groups()
    try:
        return datetime.date(int(year), MONTHS[month.lower()], int(day or 1))
    except ValueError:
        return None


def _months(count: str | None, unit: str) -> int:
    value = 1 if not count else int(count) if count.isdigit() else NUMBER_WORDS.get(count.lower(), 1)
    return value * (12 if unit.lower().startswith("year") else 1)


EVERY = r"(annually|yearly|every\s+(?:(\d+|\w+)\s+)?(years?|months?))"
LIGHT_CADENCE = re.compile(r"(?:light[- ]?(?:touch|tough)?\s+review(?:ed)?|lightly)\s+" + EVERY, re.I)
FULL_CADENCE = re.compile(r"(?:full\s+review(?:ed)?|in\s+full)\s+" + EVERY, re.I)


def _cadence(match) -> int | None:
    if match is None:
        return None
    if match.group(1).lower() in ("annually", "yearly"):
        return 12
    return _months(match.group(2), match.group(3))


def review_cadence(text: str) -> tuple[int | None, int | None]:
    return _cadence(LIGHT_CADENCE.search(text)), _cadence(FULL_CADENCE.search(text))


# ---------------------------------------------------------------------------
# Kinds


def principle_named(text: str) -> str:
    """The slug of the principle a line names on its own ("Integrity", "Integrity:"), or ""."""
    return next((slug for slug, name in PRINCIPLES.items() if text.rstrip(" .:").lower() == name.lower()), "")


# "Openness: Holders of public office…", a principle's name and its wording on one line.
PRINCIPLE_LEAD = re.compile(r"^(" + "|".join(PRINCIPLES) + r")\s*[:\-–—]\s+(\S.*)$", re.I)


def topic_of(text: str) -> str:
    return next((topic for topic, words in TOPIC_WORDS if words.search(text)), "")


def _kind_of_list(intro: str) -> str:
    """A list takes its kind from the line that introduces it."""
    intro = intro.lower()
    if re.search(r"\bwill not\b|\bmust not\b|\bshould not\b|\bnever\b", intro):
        return "prohibition"
    if re.search(r"\bbehav", intro):
        return "behaviour"
    if re.search(r"\bwill\b|\bcommit|\bmust\b|\bagree|\bundertake|\bpromise", intro):
        return "commitment"
    return ""


def _kind_of_sentence(text: str) -> str:
    if re.match(r"^(?:we |they |partners |members |i )?(?:will not|won't|must not|shall not)\b", text, re.I):
        return "prohibition"
    if re.match(r"^(?:we |i )?will\b", text, re.I):
        return "commitment"
    return ""


def _kind_of_clause(text: str) -> tuple[str, str]:
    # What a clause is about shows in its opening words; a long duty may mention discrimination in passing.
    if topic := topic_of(" ".join(re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].split()[:15])):
        return "rule", topic
    if re.search(r"\bhave the right\b|\bare entitled\b", text, re.I):
        return "rule", "rights"
    if re.search(r"\bwill not\b|\bmust not\b|\bshall not\b", text, re.I):
        return "prohibition", ""
    if re.search(r"\bmust\b|\bshould\b|\bshall\b|\bare subject to\b", text, re.I):
        return "rule", "duties"
    if re.search(r"\bwill\b", text, re.I):
        return "commitment", ""
    return "text", ""


# ---------------------------------------------------------------------------
# Structure


LIST_INTRO_WORDS = re.compile(r"\b(will|must|shall|should|may|can|not|never|to|by|are|is|do)\b", re.I)


def _heading_like(line: Line, following: Line | None) -> bool:
    if line.kind == "heading":
        return True
    if line.kind != "text" or len(line.text) > 90 or len(line.text.split()) > 14:
        return False
    if line.text.endswith((".", ":", ";", ",", "?", "!")) or not (line.text[:1].isupper() or line.text[:1].isdigit()):
        return False
    # A line that introduces a list is the list's intro, not a heading, unless it is a name ("Our values")
    # rather than the start of a sentence the list finishes ("Members will").
    return (
        following is None
        or following.kind not in ("bullet", "sub")
        or (following.kind == "bullet" and len(line.text.split()) <= 3 and not LIST_INTRO_WORDS.search(line.text))
    )


class _Reader:
    def __init__(self, text: str):
        self.text = text
        self.lines = _logical_lines(text)
        self.proposal = Proposal()
        self.problems: list[str] = []
        self.section: ProposedSection | None = None
        self.clause: ProposedItem | None = None  # the numbered clause sub-points go under
        self.nested_clause: ProposedItem | None = None  # "4.2.1", when it is the last item added
        self.clause_indent = 0  # of the line that holds self.clause
        self.list_kind = ""  # the kind the intro above a list gave it
        self.seen: dict[str, dict[str, int]] = {}  # clause numbers, per parent, for repeats and gaps

    def following(self, index: int) -> Line | None:
        return next((line for line in self.lines[index + 1 :] if line is not None), None)

    def read(self) -> Proposal:
        body = [(i, line) for i, line in enumerate(self.lines) if line is not None]
        if not body:
            raise DocumentError("The document is empty. Paste the code's text, or upload a file that holds it.")
        start = self._preamble(body, self._title_block(body))
        for index in range(body[start][0] if start < len(body) else len(self.lines), len(self.lines)):
            # Read one at a time: a principle's name takes the paragraph after it as its wording.
            if self.lines[index] is not None:
                self._line(index, self.lines[index])
        self._cadence_and_dates()
        if self.problems:
            raise DocumentError(" ".join(self.problems))
        self.proposal.sections = [s for s in self.proposal.sections if s.items or s.heading]
        return self.proposal

    # -- the title block and preamble

    def _title_block(self, body) -> int:
        proposal = self.proposal
        index, first = body[0]
        proposal.title = _strip_bold(first.text)
        position = 1
        labels = []
        while position < len(body):
            index, line = body[position]
            if self._review_date(line):
                position += 1
                continue
            if not _heading_like(line, self.following(index)) or (line.kind == "heading" and line.level > 1):
                break
            words = _strip_bold(line.text)
            date = parse_date(words)
            marked = re.search(r"\b(draft|version\s+\S+|issue\s+\S+|v\d[\d.]*)\b", words, re.I)
            if date or marked:
                rest = words
                if marked and not date:
                    rest = (words[: marked.start()] + words[marked.end() :]).strip()
                    labels.append(marked.group(0))
                    if rest:
                        proposal.title = f"{proposal.title} {rest}"
                else:
                    labels.append(words)
                    proposal.version_date = proposal.version_date or date
            elif re.match(r"^(code|protocol|charter|standards?)\b", words, re.I) and not re.search(
                r"\b(code|protocol|charter|standards)\b", proposal.title, re.I
            ):
                proposal.title = f"{proposal.title} {words}"
            else:
                break
            position += 1
        # "Draft October 2020" as the document runs them together; "Version 2, March 2025".
        proposal.label = ""
        for label in labels:
            joiner = " " if not proposal.label or proposal.label.lower() == "draft" else ", "
            proposal.label = f"{proposal.label}{joiner}{label}".strip()
        return position

    def _preamble(self, body, start: int) -> int:
        """Prose before the first heading is the preamble, unless lists or clauses come before it."""
        paragraphs = []
        for position in range(start, len(body)):
            index, line = body[position]
            if self._review_date(line):
                continue
            if self._is_heading(index, line):
                if paragraphs:
                    self.proposal.preamble = "\n\n".join(paragraphs)
                return position
            if line.kind != "text" or principle_named(line.text):
                return start
            paragraphs.append(line.text)
        return start

    # -- the body

    def _is_heading(self, index: int, line: Line) -> bool:
        if line.kind == "clause":
            # "4. Gifts and hospitality": a clause is a sentence, a numbered heading is not.
            following = self.following(index)
            if "." not in line.marker and following is not None and following.kind == "bullet":
                # "1. Our values" straight above its bullets: a clause would say what the list is ("1. We will:").
                following = None
            return len(line.text.split()) <= 8 and _heading_like(Line(0, "text", line.text), following)
        return not principle_named(line.text) and _heading_like(line, self.following(index))

    def _new_section(self, heading: str) -> None:
        self.section = ProposedSection(heading)
        self.proposal.sections.append(self.section)
        self.clause, self.list_kind = None, ""

    def _current_section(self) -> ProposedSection:
        if self.section is None:
            self._new_section("")
        return self.section

    def _add(self, item: ProposedItem, parent: ProposedItem | None = None) -> ProposedItem:
        (parent.children if parent else self._current_section().items).append(item)
        self.nested_clause = None
        return item

    def _lift_nested_clause(self) -> None:
        """Items nest one level: a list under "4.2.1" is that clause's, not 4.2's, so the clause
        stands after 4.2 at the top level, to hold it, and the clauses after it stand there too."""
        clause, self.nested_clause = self.nested_clause, None
        self.clause.children.remove(clause)
        self._current_section().items.append(clause)
        self.clause = clause

    def _line(self, index: int, line: Line) -> None:
        if line.kind == "rule":
            self.proposal.unplaced.append((line.number, line.text))
            return
        if self._review_date(line):
            return
        if self._is_heading(index, line):
            heading = line.text if line.kind != "clause" else f"{line.marker}. {line.text}"
            self._new_section(_strip_bold(heading))
            return
        if line.kind == "clause":
            self._clause(line)
        elif line.kind in ("bullet", "sub"):
            self._list_item(line)
        else:
            self._paragraph(index, line)

    def _review_date(self, line: Line) -> bool:
        """A line such as "Date of last full review: October 2023" gives the review's date, wherever it stands."""
        match = REVIEW_DATE.match(_strip_bold(line.text)) if line.kind in ("text", "heading") else None
        date = parse_date(match.group(1)) if match else None
        if date:
            self.proposal.last_full_review_on = date
        return date is not None

    def _section_topic(self) -> str:
        return topic_of(self.section.heading) if self.section else ""

    def _clause(self, line: Line) -> None:
        number = line.marker
        top = self.clause
        if top is not None and top.number.isdigit() and number.isdigit() and line.indent > self.clause_indent:
            # Markdown's list within a list: "1." indented under clause 2 is what a reader cites as 2.1.
            number = f"{top.number}.{number}"
        nested = top is not None and top.number and number.startswith(top.number + ".")
        self._check_sequence(number, line)
        topic = self._section_topic()
        kind, clause_topic = ("rule", topic) if topic else _kind_of_clause(line.text)
        item = ProposedItem(kind, line.text, number=number, topic=clause_topic, line=line.number)
        if nested:
            item.kind, item.topic = (top.kind, top.topic) if top.kind != "text" else (kind, clause_topic)
            self._add(item, top)
            self.nested_clause = item
            return
        self._add(item)
        self.clause, self.list_kind, self.clause_indent = item, "", line.indent

    def _check_sequence(self, number: str, line: Line) -> None:
        """Clause numbers go up by one within their parent: a repeat or a gap is a mistake to fix first."""
        *prefix, last = number.split(".")
        key = ".".join(prefix)
        seen = self.seen.setdefault(f"clause:{key}", {})
        if number in seen:
            self.problems.append(f"Clause {number} appears twice (lines {seen[number]} and {line.number}).")
        elif seen:
            previous = max(seen, key=lambda n: int(n.split(".")[-1]))
            expected = int(previous.split(".")[-1]) + 1
            if int(last) > expected:
                missing = ".".join([*prefix, str(expected)])
                self.problems.append(
                    f"Clause {number} (line {line.number}) follows clause {previous}: clause {missing} is missing."
                )
        seen[number] = line.number

    def _list_item(self, line: Line) -> None:
        lead = BOLD_LEAD.match(line.text) if line.text.startswith(("**", "__")) else None
        marker = line.marker if line.kind == "sub" else ""
        if lead and lead.group(2):
            title, text = lead.group(1).rstrip(LEAD_PUNCTUATION), lead.group(2)
            slug = principle_named(title)
            item = ProposedItem("principle" if slug else "value", text, title=title, principle=slug, line=line.number)
            item.number = marker
            self._add(item)
            return
        text = _strip_bold(line.text)
        if self.nested_clause is not None:
            self._lift_nested_clause()
        if self.clause is not None:
            parent = self.clause
            if marker:
                self._check_sub_point(parent, marker, line)
            if parent.kind == "text":
                kind, topic = _kind_of_list(parent.text) or _kind_of_sentence(text) or "text", ""
            else:
                kind, topic = parent.kind, parent.topic
            self._add(ProposedItem(kind, text, number=marker, topic=topic, line=line.number), parent)
            return
        topic = self._section_topic()
        kind = "rule" if topic else self.list_kind or _kind_of_sentence(text) or "text"
        self._add(ProposedItem(kind, text, number=marker, topic=topic, line=line.number))

    def _check_sub_point(self, parent: ProposedItem, marker: str, line: Line) -> None:
        letters = marker.strip("().").lower()
        siblings = [c.number.strip("().").lower() for c in parent.children if c.number]
        where = f"under clause {parent.number}" if parent.number else f"on line {line.number}"
        if letters in siblings:
            self.problems.append(f"Sub-point {marker} appears twice {where} (line {line.number}).")
            return
        if not siblings:
            return
        previous = siblings[-1]
        both_letters = len(letters) == 1 and len(previous) == 1 and not (ROMAN.match(letters) and ROMAN.match(previous))
        if both_letters and ord(letters) > ord(previous) + 1:
            missing = chr(ord(previous) + 1)
            self.problems.append(
                f"Sub-point {marker} {where} (line {line.number}) follows ({previous}): ({missing}) is missing."
            )

    def _paragraph(self, index: int, line: Line) -> None:
        text = _strip_bold(line.text)
        following = self.following(index)
        self.clause = None
        self._current_section()
        if slug := principle_named(text):
            wording = ""
            if (
                following is not None
                and following.kind == "text"
                and not principle_named(following.text)
                and not PRINCIPLE_LEAD.match(following.text)
                and not self._is_heading(self.lines.index(following), following)
            ):
                wording = _strip_bold(following.text)
                self._skip_next(index)
            # Named without wording, the catalogue's name is shown, once: no title of its own.
            title = PRINCIPLES[slug] if wording else ""
            self._add(ProposedItem("principle", wording, title=title, principle=slug, line=line.number))
            return
        if match := PRINCIPLE_LEAD.match(text):
            slug, wording = match.group(1).lower(), match.group(2)
            self._add(ProposedItem("principle", wording, title=PRINCIPLES[slug], principle=slug, line=line.number))
            return
        lead = BOLD_LEAD.match(line.text) if line.text.startswith(("**", "__")) else None
        if lead and lead.group(2):
            title = lead.group(1).rstrip(LEAD_PUNCTUATION)
            slug = principle_named(title)
            self._add(
                ProposedItem(
                    "principle" if slug else "value", lead.group(2), title=title, principle=slug, line=line.number
                )
            )
            return
        topic = self._section_topic()
        introduces_list = following is not None and following.kind in ("bullet", "sub")
        if topic:
            kind = "rule"
        elif introduces_list or text.endswith(":") or review_cadence(text) != (None, None):
            kind = "text"
        elif self._opens_section() and re.match(r"^(we|our)\b", text, re.I) and not re.search(r"\bwill\b", text):
            # A section's opening statement of what "we" are, as the Amber Valley protocol opens each.
            kind = "value"
        else:
            kind = _kind_of_sentence(text) or "text"
        self.list_kind = _kind_of_list(text) if (introduces_list or text.endswith(":")) else ""
        self._add(ProposedItem(kind, text, topic=topic, line=line.number))

    def _opens_section(self) -> bool:
        return self.section is not None and not self.section.items and bool(self.section.heading)

    def _skip_next(self, index: int) -> None:
        for position in range(index + 1, len(self.lines)):
            if self.lines[position] is not None:
                self.lines[position] = None
                return

    def _cadence_and_dates(self) -> None:
        proposal = self.proposal
        light, full = review_cadence(re.sub(r"\s+", " ", self.text))
        proposal.cadence_stated = bool(light or full)
        if proposal.version_date is None and (match := ADOPTED.search(proposal.preamble)):
            proposal.version_date = parse_date(match.group(1))
        proposal.light_touch_review_months = light or proposal.light_touch_review_months
        proposal.full_review_months = full or max(proposal.full_review_months, proposal.light_touch_review_months)


def read_code(text: str) -> Proposal:
    """The structure the importer proposes for a code's text."""
    if len(text) > MAX_CHARACTERS:
        raise DocumentError(
            "The text is longer than a million characters, far more than any code of conduct. "
            "Paste the code alone, or upload it as a file."
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if not text.strip():
        raise DocumentError("The document is empty. Paste the code's text, or upload a file that holds it.")
    return _Reader(text).read()


# ---------------------------------------------------------------------------
# The administrator's corrections


class CorrectionError(ValueError):
    """Corrections that cannot stand, as (row, message) pairs, rows counted from 0 in document order."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__(" ".join(message for _row, message in problems))
        self.problems = problems


def _principle_in(item: ProposedItem) -> str:
    if item.principle:
        return item.principle
    words = f"{item.title} {item.text}".lower()
    return next((slug for slug in PRINCIPLES if re.match(rf"^\W*{slug}\b", words)), "")


def proposal_corrected(proposal: Proposal, rows: list[dict]) -> Proposal:
    """The proposal with each item's number, kind and nesting as the administrator set them.

    `rows` has one dict (number, kind, nested) per item, in document order. An item
    marked nested becomes a sub-point of the nearest item above it at the top level
    of its section; its own sub-points, if any, follow it there.
    """
    flat = proposal.items()
    if len(rows) != len(flat):
        raise CorrectionError([(0, "The document changed while it was being checked. Import it again.")])
    problems: list[tuple[int, str]] = []
    rebuilt: dict[int, list[ProposedItem]] = {id(section): [] for section in proposal.sections}
    for row_number, ((section, item, _parent), row) in enumerate(zip(flat, rows, strict=True)):
        item.number, item.kind = row["number"].strip(), row["kind"]
        item.children = []
        label = f"Item {row_number + 1}" + (f" ({item.number})" if item.number else "")
        if item.kind == "principle":
            item.principle = _principle_in(item)
            if not item.principle:
                problems.append((row_number, f"{label} names none of the seven principles: choose another kind"))
        else:
            item.principle = ""
            if not item.text:
                problems.append((row_number, f"{label} has no wording of its own: it can only be a principle"))
        item.topic = (item.topic or topic_of(item.text)) if item.kind == "rule" else ""
        items = rebuilt[id(section)]
        if row["nested"]:
            if not items:
                problems.append((row_number, f"{label} is the first of its section: it cannot be a sub-point"))
                continue
            items[-1].children.append(item)
        else:
            items.append(item)
    if problems:
        raise CorrectionError(problems)
    for section in proposal.sections:
        section.items = rebuilt[id(section)]
    return proposal
