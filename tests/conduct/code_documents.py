"""Codes of other shapes than the five seeds, written for the importer's tests: real codes vary."""

import io

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

# Two-level numbered clauses, lettered sub-points under 4.2, principles named without wording,
# a £50 gift threshold and a 24-month full review, as issue 15's administrator tried it.
TWO_LEVEL = """\
Riverside Members' Code of Conduct
Version 2
March 2025

This code applies to every member of the Riverside Health Partnership Board.
We review it lightly every year and in full every two years.

1. Purpose

1.1 This code sets out the standards members will uphold.
1.2 Members will act in the interests of the people the partnership serves.

2. Gifts and hospitality

2.1 Members will not accept a gift or hospitality worth more than £50.
2.2 Members will record every gift offered, whether accepted or not.

3. Principles

Selflessness
Integrity
Honesty

4. Conflicts of interest

4.1 Members must declare any interest as soon as they become aware of it.
4.2 A member with a financial interest in a matter:
(a) A member with a financial interest will not take part in the discussion; and
(b) will leave the room for the decision.
4.3 The chair decides whether an interest is a conflict.
4.4 Declarations are recorded in the register.
"""

# Markdown, Roman-numeral sub-points, a date in the preamble.
ROMAN = """\
# Standards for Board Members of the Eastgate Primary Care Network

Adopted 1 April 2024. The board reviews this code annually, and in full every 3 years.

## Our duties

1. Board members must:
   (i) attend meetings prepared;
   (ii) respect the confidentiality of papers marked confidential;
   (iii) treat colleagues with courtesy.
2. Board members will not use their position for private gain.

## Raising concerns

3. Anyone may raise a concern about a breach of these standards with the chair.
   (i) The chair acknowledges the concern within five working days.
   (ii) The chair tells the person raising it what happens next.
"""


def numbered_docx() -> bytes:
    """A Word document whose clause numbers exist only as Word's list numbering (1., (a))."""
    document = docx.Document()
    document.add_paragraph("Northfield Wellbeing Trust Code of Conduct", style="Title")
    document.add_paragraph("Version 3, January 2026")
    document.add_paragraph("Every trustee and volunteer signs this code when they join.")
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>'
            "</w:abstractNum>"
        )
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )

    document.add_heading("Our commitments", level=1)
    numbered("Trustees will act in the best interests of the people we serve.", 0)
    numbered("Trustees will declare any conflict of interest:", 0)
    numbered("in writing to the chair; and", 1)
    numbered("before the meeting at which it arises.", 1)
    numbered("Trustees will not accept gifts worth more than £25.", 0)
    document.add_heading("Values", level=1)
    bullet = document.add_paragraph(style="List Bullet")
    bullet.add_run("Kindness.").bold = True
    bullet.add_run(" We treat everyone we meet with warmth.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def outline_numbered_docx() -> bytes:
    """A Word document numbered as Word's own outline list numbers one: the headings are the
    list's first level ("1."), clauses its second ("1.1"), sub-points its third ("(a)")."""
    document = docx.Document()
    document.add_paragraph("Lakeside Partnership Code of Conduct", style="Title")
    document.add_paragraph("Version 3, March 2025")
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="70"><w:multiLevelType w:val="multilevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
            '<w:pStyle w:val="Heading1"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>'
            "</w:abstractNum>"
        )
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="70"><w:abstractNumId w:val="70"/></w:num>'))

    def numbered(paragraph, level: int) -> None:
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="70"/></w:numPr>')
        )

    numbered(document.add_heading("Purpose", level=1), 0)
    numbered(document.add_paragraph("This code sets out the standards members will uphold."), 1)
    numbered(document.add_paragraph("Members will act in the interests of the people the partnership serves."), 1)
    numbered(document.add_heading("Conflicts of interest", level=1), 0)
    numbered(document.add_paragraph("Members must declare any interest as soon as they become aware of it."), 1)
    numbered(document.add_paragraph("A member with a financial interest in a matter:"), 1)
    numbered(document.add_paragraph("will not take part in the discussion; and"), 2)
    numbered(document.add_paragraph("will leave the room for the decision."), 2)
    numbered(document.add_paragraph("The chair decides whether an interest is a conflict."), 1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
