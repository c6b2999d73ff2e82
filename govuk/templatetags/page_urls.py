"""{% page_url 'conduct:home' %}: the header's links, reversed once rather than on every page."""

from django import template

from govuk.object_urls import page_url as cached_page_url

register = template.Library()


@register.simple_tag
def page_url(viewname: str) -> str:
    return cached_page_url(viewname)
