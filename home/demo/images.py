"""Demo images drawn at load time (nothing is downloaded)."""

import io

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

PALETTES = {
    "forest": ("#DCE9DF", "#1F5135", "#163D28", "#E8B923"),
    "lake": ("#E4EEF2", "#1C5D7A", "#1F5135", "#E8B923"),
    "meadow": ("#FAF8F2", "#5B8A63", "#1F5135", "#E8B923"),
    "clay": ("#F4E6DC", "#9C3D1F", "#1F5135", "#E8B923"),
}


def draw_landscape(palette: str, width: int = 1200, height: int = 800) -> bytes:
    """A stylised Jura landscape: sky, sun, two ridges and a lake."""
    sky, near, far, sun = PALETTES[palette]
    img = PILImage.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(img)
    draw.ellipse((width * 0.7, height * 0.12, width * 0.82, height * 0.3), fill=sun)
    draw.polygon(
        [
            (0, height * 0.7),
            (width * 0.25, height * 0.35),
            (width * 0.45, height * 0.6),
            (width * 0.7, height * 0.3),
            (width, height * 0.65),
            (width, height),
            (0, height),
        ],
        fill=far,
    )
    draw.polygon(
        [
            (0, height * 0.85),
            (width * 0.3, height * 0.6),
            (width * 0.55, height * 0.8),
            (width * 0.8, height * 0.62),
            (width, height * 0.8),
            (width, height),
            (0, height),
        ],
        fill=near,
    )
    draw.rectangle((0, height * 0.92, width, height), fill="#1C5D7A")
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def ensure_image(title: str, description: str, palette: str):
    """The demo image with this title, created once."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    name = title.lower().replace(" ", "-").replace("'", "")[:50] + ".png"
    image = Image(title=title, description=description)
    image.file = ImageFile(io.BytesIO(draw_landscape(palette)), name=name)
    image.save()
    return image
