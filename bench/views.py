from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.loader import render_to_string

from .models import ReferenceRow


def reference(request):
    """A bare 50-row paginated table with Django's own template and ORM (no
    context processors, no session), the ceiling the real pages are compared with."""
    page = Paginator(ReferenceRow.objects.all(), 50).get_page(request.GET.get("page"))
    return HttpResponse(render_to_string("bench/reference.html", {"page": page}))
