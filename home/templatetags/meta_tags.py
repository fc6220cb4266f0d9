"""The head of every page (components/page_meta.html): meta description, canonical
address, Open Graph and Twitter card.

A page describes itself by what it already has, in this order: its search description
(promote tab), its summary or introduction, else the site's description
(OrganisationSettings.description). Its image in link previews is the `share_image` its
context gives (renditions prefetched), else its own hero image or image. Addresses are
absolute, on BASE_URL (home.links). Private pages (the extranet, the donor space,
the account pages) leave out this block: their text and address stay theirs.
"""

import html

from django import template
from django.utils.html import strip_tags
from wagtail.images.shortcuts import get_rendition_or_not_found

from home import images
from home.links import absolute_url
from home.text import one_line

register = template.Library()

# Search engines show about 160 characters of a description.
DESCRIPTION_MAX = 160
DESCRIPTION_FIELDS = ("search_description", "summary", "intro", "hero_intro")
TITLE_FIELDS = ("seo_title", "hero_title", "title")
IMAGE_FIELDS = ("hero_image", "image")


def _first(page, fields) -> object:
    for field in fields:
        value = getattr(page, field, None)
        if value:
            return value
    return None


def plain_text(value) -> str:
    """Text of a field, rich text included ("<p>Une idée&nbsp;?</p>" -> "Une idée ?")."""
    text = str(value)
    if "<" in text or "&" in text:
        text = html.unescape(strip_tags(text))
    return text


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters."""
    text = one_line(text, len(text) + 1)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def page_description(page, organisation) -> str:
    value = _first(page, DESCRIPTION_FIELDS) if page is not None else None
    if not value and organisation is not None:
        value = organisation.description
    return shorten(plain_text(value or ""), DESCRIPTION_MAX)


def absolute(url: str) -> str:
    """An address on BASE_URL, unless the storage already gives a full one (S3)."""
    return url if url.startswith(("http://", "https://")) else absolute_url(url)


def share_image(context, page) -> dict | None:
    image = context.get("share_image")
    if image is None and page is not None:
        image = _first(page, IMAGE_FIELDS)
    # Link previews read JPEG and PNG, not SVG.
    if image is None or not hasattr(image, "get_rendition") or image.is_svg():
        return None
    rendition = get_rendition_or_not_found(image, images.filters("share")[0])
    if not rendition.width:  # the original file is missing
        return None
    return {
        "url": absolute(rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": rendition.alt,
    }


def _organisation(context):
    """The organisation's settings: those the page's title already read (`org`, cached
    by site_tags.organisation), else the request's (cached on the request by Wagtail)."""
    organisation = context.get("org")
    request = context.get("request")
    if organisation is None and request is not None:
        from home.models import OrganisationSettings

        organisation = OrganisationSettings.for_request(request)
    return organisation


@register.simple_tag(takes_context=True)
def page_meta(context) -> dict:
    """What the head says about the page being rendered (`page` in the context, or none
    for a view such as the search), for components/page_meta.html."""
    request = context.get("request")
    page = context.get("page")
    organisation = _organisation(context)
    site_name = getattr(organisation, "name", "") or "Clus'Ter Jura"
    title = _first(page, TITLE_FIELDS) if page is not None else None
    return {
        "description": page_description(page, organisation),
        "url": absolute_url(request.path) if request is not None else "",
        "title": shorten(plain_text(title or site_name), 200),
        "site_name": site_name,
        "image": share_image(context, page),
    }
