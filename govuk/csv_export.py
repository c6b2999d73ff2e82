"""CSV downloads that stream, so memory stays flat however many rows there
are, and that a spreadsheet opens without running anything typed in them."""

import csv
import io
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# Rows sent together: a response chunk per row costs more than writing the row.
ROWS_PER_CHUNK = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Text people typed must not run as a formula when the CSV is opened in a spreadsheet."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def csv_response(*, filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    def chunks():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for number, row in enumerate(rows, start=1):
            writer.writerow([spreadsheet_safe(value) for value in row])
            if number % ROWS_PER_CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A download holds people's names: no shared cache or browser history keeps it.
    response["Cache-Control"] = "private, no-store"
    return response
