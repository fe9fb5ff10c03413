"""Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises.

Articles are rendered once, when saved (`services.article_save`), and the
result is stored in `Article.body_html`: articles are read far more often than
written, a stored value needs no cache to keep fresh, and the pages, the API
and the admin preview all show the very same HTML. A change of the allow-list
below applies to an article the next time it is saved
(`manage.py kb_render` renders them all again).

The sanitiser is the safety net, not the renderer: raw HTML in the Markdown is
allowed through markdown-it and then cut down by nh3 to the tags, attributes
and URL schemes listed here. Scripts and styles go with their content; event
attributes (`onclick`…), `style` and `javascript:`/`data:` URLs are dropped.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "dd",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
# Relative URLs (/kb/3/, #steps) pass as well: nh3 keeps them by default.
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with everything inside them, not just their tags.
DROPPED_WITH_CONTENT = {"script", "style"}

_renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def render_markdown(text: str) -> str:
    """Sanitised HTML for a Markdown text (safe to mark safe in a template)."""
    return nh3.clean(
        _renderer.render(text or ""),
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
