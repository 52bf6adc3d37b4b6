"""Markdown written by people, turned into safe HTML.

markdown-it-py parses CommonMark with raw HTML switched off (a `<script>` typed by someone
comes out as text), and nh3 then keeps only a short list of tags and attributes, allows
http, https and mailto links only, and marks every link `rel="nofollow noopener ugc"` (user
content: no search-engine credit, no access to this window). No images: photos go through
the upload path, which strips their metadata.
"""

from functools import cache, lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener ugc"
# Rendered texts kept in the process: the same posts are shown again and again, and the
# HTML of a text never changes (a text that does is a new key). Posts are at most 5,000
# characters: a few tens of megabytes per process at worst, usually far less.
RENDERED_TEXTS = 4_096


@cache
def _parser() -> MarkdownIt:
    # breaks: a single newline is a line break, as people expect when typing on a phone.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                     "breaks": True})


def render_markdown(text: str | None) -> Markup:
    """Safe HTML for `text` (markdown); headings start at h3 so pages keep their outline."""
    if not text or not text.strip():
        return Markup("")
    return _rendered(str(text))


@lru_cache(maxsize=RENDERED_TEXTS)
def _rendered(text: str) -> Markup:
    html = _parser().render(text)
    for level in (2, 1):  # h1/h2 belong to the page; shift written headings below them
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704  # nosec B704 - sanitised by nh3 just above
