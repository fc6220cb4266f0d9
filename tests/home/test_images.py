"""Images as a phone on a slow connection gets them: several widths to choose from
(srcset, sizes), AVIF and WebP before JPEG, the room they take known before they load
(width, height), loaded when they come near the screen (loading=lazy) except the first,
above the fold, which is fetched first; and an uploaded SVG logo stays an SVG."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from wagtail.images import get_image_model

from home.demo.images import ensure_image
from home.models import NewsIndexPage, NewsPage
from projects.models import ProjectPage, ProjectPartner
from tests.home.test_queries import add_news

pytestmark = pytest.mark.django_db


def pictures(client, url: str) -> list:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find_all("picture")


def widths(srcset: str) -> list[int]:
    return [int(width) for width in re.findall(r" (\d+)w", srcset)]


def news_with(image) -> NewsPage:
    page = NewsPage(
        title="Une brève illustrée", slug="breve-illustree", intro="Brève.", image=image
    )
    NewsIndexPage.objects.get().add_child(instance=page)
    return page


def test_a_news_card_offers_three_widths_in_avif_webp_and_jpeg_loaded_lazily(client, demo_site):
    add_news(1)
    card = pictures(client, "/actualites/")[0]

    sources = {source["type"]: source for source in card.find_all("source")}
    assert list(sources) == ["image/avif", "image/webp"]
    img = card.img
    assert "card__image" in img["class"]
    for srcset in (sources["image/avif"]["srcset"], sources["image/webp"]["srcset"]):
        assert widths(srcset) == [480, 720, 960]
    assert widths(img["srcset"]) == [480, 720, 960]
    assert ".format-avif.avif 480w" in sources["image/avif"]["srcset"]
    assert img["src"].endswith(".fill-480x270.format-jpeg.jpg")
    # The browser knows its shape before it loads: no jump of the text below.
    assert (img["width"], img["height"]) == ("480", "270")
    assert img["sizes"] and img["sizes"] == sources["image/webp"]["sizes"]
    assert img["loading"] == "lazy"
    assert img["decoding"] == "async"
    # Decorative: the card's title says what it is about.
    assert img["alt"] == ""
    # Every rendition it names exists, in its format.
    for url in [img["src"], *re.findall(r"(\S+) \d+w", sources["image/avif"]["srcset"])]:
        name = url.removeprefix(settings.MEDIA_URL)
        assert default_storage.exists(name), url
    with default_storage.open(img["src"].removeprefix(settings.MEDIA_URL)) as jpeg:
        assert PILImage.open(jpeg).format == "JPEG"


def test_the_first_image_of_a_page_is_fetched_first_and_described(client, demo_site):
    hero = pictures(client, "/")[0].img
    assert "hero__image" in hero["class"]
    assert hero["loading"] == "eager"
    assert hero["fetchpriority"] == "high"
    assert hero["alt"] == demo_site.hero_image.description
    assert widths(hero["srcset"]) == [480, 720, 1080]
    # The news cards below the fold wait their turn.
    assert {picture.img["loading"] for picture in pictures(client, "/")[1:]} == {"lazy"}


def test_a_project_hero_takes_its_text_alternative_and_the_gallery_its_own(client, demo_site):
    project = ProjectPage.objects.live().filter(hero_image__isnull=False).first()
    project.hero_image_alt = "L'atelier, ses machines à coudre."
    project.save_revision().publish()

    found = pictures(client, project.url)
    hero = found[0].img
    assert hero["alt"] == "L'atelier, ses machines à coudre."
    assert (hero["loading"], hero["fetchpriority"]) == ("eager", "high")
    assert (hero["width"], hero["height"]) == ("600", "300")
    assert all(picture.img["loading"] == "lazy" for picture in found[1:])


def test_a_small_original_is_never_offered_twice_at_the_same_width(client, demo_site):
    """`width-960` and `width-1440` of a 700-pixel image are both 700 pixels wide."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (700, 400), "#1F5135").save(buffer, format="PNG")
    image = get_image_model().objects.create(
        title="Petite image", file=ImageFile(buffer, name="petite.png")
    )
    page = news_with(image)

    img = pictures(client, page.url)[0].img
    assert widths(img["srcset"]) == [480, 700]


def test_an_svg_logo_stays_an_svg(client, demo_site):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
        b'<rect width="200" height="100" fill="#1F5135"/></svg>'
    )
    logo = get_image_model().objects.create(
        title="Logo partenaire", file=ImageFile(io.BytesIO(svg), name="logo.svg")
    )
    project = ProjectPage.objects.live().first()
    project.partners = [ProjectPartner(name="Partenaire SVG", logo=logo)]
    project.save_revision().publish()

    response = client.get(project.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    img = soup.find("img", class_="partner__logo")
    assert img["src"].endswith(".svg")
    assert img.find_parent("picture").find("source") is None
    assert img["width"] and img["height"]


def test_a_page_image_without_its_file_does_not_break_the_page(client, demo_site):
    image = ensure_image("Image perdue", "Une image dont le fichier a disparu.", "clay")
    image.file.storage.delete(image.file.name)
    page = news_with(image)

    assert client.get(page.url).status_code == 200
    assert client.get("/actualites/").status_code == 200
