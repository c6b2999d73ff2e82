import html as html_entities
import re


def page_title(page: str) -> str:
    """The page's <title> as a browser or screen reader reads it, entities decoded and spaces collapsed."""
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    return " ".join(html_entities.unescape(found.group(1)).split()) if found else ""
