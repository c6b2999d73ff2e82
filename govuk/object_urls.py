"""The URLs of objects' pages, for tables that link every row, and of the
pages every header links to.

Django's reverse() matches the URL pattern afresh on every call, which in a
50-row table costs more than the rest of each row, and in the header more than
the rest of the header. A pattern whose one argument is a number or a UUID is
reversed once, with a stand-in value, and each object's URL is the text either
side of the stand-in around the object's own value: the text reverse() would
have written, since numbers and UUIDs need no quoting. A pattern with no
arguments is reversed once."""

import uuid
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

_STAND_INS = {int: 9081726354, uuid.UUID: uuid.UUID("5f0c1a2e-9b8d-4c7a-a6e5-3d2f1b0c9a87")}


def object_url(viewname: str, **kwargs: int | uuid.UUID) -> str:
    if len(kwargs) == 1:
        ((name, value),) = kwargs.items()
        before, after = _url_either_side(viewname, name, type(value), get_script_prefix(), settings.ROOT_URLCONF)
        return f"{before}{value}{after}"
    arguments = tuple((name, type(value)) for name, value in kwargs.items())
    return _url_template(viewname, arguments, get_script_prefix(), settings.ROOT_URLCONF).format(**kwargs)


@lru_cache(maxsize=256)
def _url_either_side(viewname: str, name: str, kind: type, script_prefix: str, urlconf: str) -> tuple[str, str]:
    stand_in = str(_STAND_INS[kind])
    before, _, after = reverse(viewname, kwargs={name: stand_in}, urlconf=urlconf).rpartition(stand_in)
    return before, after


@lru_cache(maxsize=256)
def _url_template(viewname: str, arguments: tuple, script_prefix: str, urlconf: str) -> str:
    """The URL with a named place for each argument (a pattern of several, such as an item of
    a meeting), from one reverse() with a different stand-in for each."""
    stand_ins = {name: str(_stand_in(kind, index)) for index, (name, kind) in enumerate(arguments)}
    url = reverse(viewname, kwargs=stand_ins, urlconf=urlconf).replace("{", "{{").replace("}", "}}")
    for name, stand_in in stand_ins.items():
        url = url.replace(stand_in, "{" + name + "}")
    return url


def _stand_in(kind: type, index: int) -> int | uuid.UUID:
    # Ten digits that differ only in the last: none is found inside another.
    return _STAND_INS[kind] + index if kind is int else uuid.UUID(int=_STAND_INS[kind].int + index)


def page_url(viewname: str) -> str:
    """The URL of a page that takes no arguments."""
    return _page_url(viewname, get_script_prefix(), settings.ROOT_URLCONF)


@lru_cache(maxsize=256)
def _page_url(viewname: str, script_prefix: str, urlconf: str) -> str:
    return reverse(viewname, urlconf=urlconf)
