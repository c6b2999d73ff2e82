"""PDFs rendered from a template by WeasyPrint: the same words as the page, laid
out for paper, with files the reader may need (the exact text signed) attached."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def pdf_response(request, template: str, context: dict, *, filename: str, attachments: dict[str, str] | None = None):
    # Imported here: WeasyPrint loads Pango at import, which only PDF pages need.
    from weasyprint import HTML, Attachment

    html = render_to_string(template, context, request=request)
    files = [Attachment(string=text, name=name, base_url=None) for name, text in (attachments or {}).items()]
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(attachments=files)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A receipt or a code's text is personal to the reader: no shared cache keeps it.
    response["Cache-Control"] = "no-store"
    return response
