"""The pagination links of a list page, as a person would click them: shared by
bench/run.py (the deepest page of a list) and bench/locustfile.py (paging on).

Works on both kinds of list: keyset pages (jiaotong/pagination.py, links marked
``data-page="next"`` / ``data-page="last"`` with a cursor in the query string)
and Django's ``Paginator`` (``?page=N``; the last link is labelled 末页, the next
one reads 下一页)."""

from __future__ import annotations

import html
import re

_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_HREF = re.compile(r'href="([^"]*)"')
_MARKS = {
    "next": (r'data-page="next"', r"下一页"),
    "last": (r'data-page="last"', r'aria-label="末页"'),
    "first": (r'data-page="first"', r'aria-label="首页"'),
}


def page_link(body: str, which: str) -> str | None:
    """The href of the list's ``next``, ``last`` or ``first`` link (unescaped,
    relative to the list URL, e.g. ``?cursor=…`` or ``?page=9``), or None when
    the page has no such link (one page only, or already there)."""
    attr_mark, text_mark = _MARKS[which]
    for attrs, text in _LINK.findall(body):
        if "page-link" not in attrs:
            continue
        if re.search(attr_mark, attrs) or re.search(text_mark, attrs + text):
            href = _HREF.search(attrs)
            if href:
                return html.unescape(href.group(1))
    return None
