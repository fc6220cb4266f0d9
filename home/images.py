"""Responsive images: the named image sizes the public templates use, in one place.

A template asks for a size by name, `{% responsive_image image "card" %}`
(home/templatetags/image_tags.py): a <picture> with AVIF and WebP sources and a
JPEG (or PNG, for logos) <img>, each with several widths in `srcset`, the `sizes`
that match the CSS, and explicit width and height. A listing prefetches exactly the
renditions its template renders, `images_with("card")`, so its query count does
not grow with the number of images (one query for all the renditions).
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.images.utils import to_svg_safe_spec

PHOTO_FORMATS = ("avif", "webp", "jpeg")
# Logos keep their transparency: PNG, not JPEG, for browsers without AVIF and WebP.
LOGO_FORMATS = ("avif", "webp", "png")


@dataclass(frozen=True)
class ImageSize:
    """How one kind of image is shown: the renditions made (`resize` operations such as
    "fill-480x270", smallest first, the smallest being the <img>'s own `src`, width and
    height) and how wide the CSS shows it (`sizes`)."""

    resizes: tuple[str, ...]
    sizes: str
    formats: tuple[str, ...] = PHOTO_FORMATS

    @property
    def stored_specs(self) -> list[str]:
        """The specs of the renditions of a raster image (JPEG, PNG, WebP...)."""
        return [f"{resize}|format-{fmt}" for resize in self.resizes for fmt in self.formats]

    @property
    def filter_specs(self) -> list[str]:
        """What the template tag asks for: `preserve-svg` keeps an SVG image (a logo,
        often) in SVG, resized, instead of failing to convert it."""
        return [f"{spec}|preserve-svg" for spec in self.stored_specs]


# Widths in `sizes` follow static/css/site.css: .container is min(100% - 2.5rem, 72rem).
FULL_WIDTH = "calc(100vw - 2.5rem)"
SIZES = {
    # Cards of listings (projects, news): a grid of columns of at least 18rem.
    "card": ImageSize(
        ("fill-480x270", "fill-720x405", "fill-960x540"),
        f"(min-width: 76rem) 23rem, (min-width: 40rem) 45vw, {FULL_WIDTH}",
    ),
    # The home page's hero: 2/5 of the container from 56rem, full width below.
    "home_hero": ImageSize(
        ("fill-480x320", "fill-720x480", "fill-1080x720"),
        f"(min-width: 76rem) 28rem, (min-width: 56rem) 38vw, {FULL_WIDTH}",
    ),
    # A project's hero: half the container from 60rem, full width below.
    "project_hero": ImageSize(
        ("fill-600x300", "fill-900x450", "fill-1200x600"),
        f"(min-width: 76rem) 35rem, (min-width: 60rem) 48vw, {FULL_WIDTH}",
    ),
    # A news article's image: the width of the container, up to 60rem.
    "article": ImageSize(
        ("width-480", "width-960", "width-1440"),
        f"(min-width: 65rem) 60rem, {FULL_WIDTH}",
    ),
    # An image block in a page body: the width of the text (.measure, 68ch).
    "block": ImageSize(
        ("width-480", "width-960"),
        f"(min-width: 45rem) 40rem, {FULL_WIDTH}",
    ),
    # A project's gallery: a grid of columns of at least 16rem.
    "gallery": ImageSize(
        ("fill-300x200", "fill-600x400", "fill-900x600"),
        f"(min-width: 40rem) 20rem, {FULL_WIDTH}",
    ),
    # Partner logos (at most 4rem high) and donor logos (4.5rem).
    "partner_logo": ImageSize(("max-200x100", "max-400x200"), "8rem", LOGO_FORMATS),
    "donor_logo": ImageSize(("max-240x120", "max-480x240"), "9rem", LOGO_FORMATS),
    # A page's image in link previews (Open Graph, Twitter cards): one JPEG, the size
    # and format every preview reads (home/templatetags/meta_tags.py).
    "share": ImageSize(("fill-1200x630",), "", ("jpeg",)),
}


def filters(size: str) -> list[Filter]:
    return [Filter(spec=spec) for spec in SIZES[size].filter_specs]


def rendition_specs(*sizes: str) -> list[str]:
    """Every filter spec that the sizes' renditions are stored under: for a raster image,
    and as Wagtail rewrites them for an SVG image (resized, never converted)."""
    specs: list[str] = []
    for size in sizes:
        for spec in SIZES[size].stored_specs:
            specs += [spec, to_svg_safe_spec(spec)]
    return list(dict.fromkeys(specs))


def images_with(*sizes: str) -> QuerySet:
    """Images with the renditions of these sizes prefetched (one query for all), for a
    Prefetch() of the image a listing shows."""
    return get_image_model().objects.prefetch_renditions(*rendition_specs(*sizes))


def renditions_of(field: str, *sizes: str) -> Prefetch:
    """For a listing that already `select_related(field)` (an image): that image's
    renditions of these sizes, for every row, in one more query."""
    rendition_model = get_image_model().get_rendition_model()
    return Prefetch(
        f"{field}__renditions",
        queryset=rendition_model.objects.filter(filter_spec__in=rendition_specs(*sizes)),
        to_attr="prefetched_renditions",
    )
