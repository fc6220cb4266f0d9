"""`{% responsive_image image "size" alt="" loading="lazy" %}`: the one way the public
templates show an image (sizes and formats in home/images.py)."""

from django import template
from django.utils.safestring import mark_safe
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found

from home import images

register = template.Library()


@register.simple_tag
def responsive_image(image, size: str, **attrs) -> str:
    """A <picture>: AVIF and WebP sources, a JPEG (PNG for logos) <img> with `srcset`,
    `sizes`, width, height and `alt`, lazily loaded unless told `loading="eager"`.

    `alt` defaults to the image's own description; pass `alt=""` for a decorative image
    (a card's picture, whose title says it all). The first image of a page, above the
    fold, takes `loading="eager" fetchpriority="high"`.
    """
    if not image:
        return ""
    renditions = get_renditions_or_not_found(image, images.filters(size))
    # A small original gives the same width for several specs (Wagtail never enlarges
    # it with `width-` or `max-`): one entry per width and format is enough.
    seen: set[tuple[str, int]] = set()
    unique = {}
    for spec, rendition in renditions.items():
        key = (spec.rpartition("format-")[2], rendition.width)
        if key not in seen:
            seen.add(key)
            unique[spec] = rendition
    attrs = {"loading": "lazy", "decoding": "async", "sizes": images.SIZES[size].sizes, **attrs}
    if attrs.get("loading") == "eager":
        attrs.pop("decoding")
    return mark_safe(Picture(unique, attrs).__html__())  # noqa: S308 - attributes escaped by flatatt
