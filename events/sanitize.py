"""HTML from editors and from outside feeds goes through one allow-list before it is stored or shown."""

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h3", "h4"}
# `linktype` and `id` are how Wagtail stores links to its own pages inside rich text.
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "linktype", "id"}}


def clean_html(html: str) -> str:
    """Keep simple formatting and links (http, https, mailto, tel); drop scripts, styles and events."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
