"""What a search engine and a link preview read in the head of a page: a description
(the page's search description, else its summary or introduction, else the site's),
a canonical address, Open Graph tags and a Twitter card, all with absolute addresses
on BASE_URL; and nothing of the kind on private pages."""

import pytest
from bs4 import BeautifulSoup

from donations.models import DonationPage
from home.models import OrganisationSettings, StandardPage
from projects.models import CallForIdeasPage, ProjectPage
from tests.extranet.test_pages import associate_client, associates  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

PUBLIC = "https://clusterjura.example"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.BASE_URL = PUBLIC


def head(client, url: str) -> dict[str, str]:
    """The page's description, canonical address and Open Graph / Twitter tags."""
    response = client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser").head
    tags = {}
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            assert key not in tags, f"{key} appears twice"
            tags[key] = meta.get("content")
    canonical = soup.find("link", rel="canonical")
    if canonical is not None:
        tags["canonical"] = canonical["href"]
    return tags


def test_the_home_page_describes_itself_with_absolute_addresses(client, demo_site):
    tags = head(client, "/")

    intro = " ".join(demo_site.hero_intro.split())
    assert tags["description"] and len(tags["description"]) <= 160
    assert intro.startswith(tags["description"].removesuffix("…"))
    assert tags["canonical"] == f"{PUBLIC}/"
    assert tags["og:url"] == f"{PUBLIC}/"
    assert tags["og:type"] == "website"
    assert tags["og:locale"] == "fr_FR"
    assert tags["og:site_name"] == "Clus'Ter Jura"
    assert tags["og:title"] == demo_site.hero_title
    assert tags["og:description"] == tags["description"]
    # The hero image, as a JPEG of the size link previews expect, on the public address.
    assert tags["og:image"].startswith(f"{PUBLIC}/media/images/")
    assert tags["og:image"].endswith(".fill-1200x630.format-jpeg.jpg")
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["twitter:card"] == "summary_large_image"


def test_a_project_page_is_described_by_its_summary_then_its_search_description(client, demo_site):
    project = ProjectPage.objects.live().filter(hero_image__isnull=False).first()
    tags = head(client, project.url)
    assert tags["description"] == project.summary
    assert tags["canonical"] == f"{PUBLIC}{project.url}"
    assert tags["og:title"] == project.title
    assert tags["og:image"].startswith(f"{PUBLIC}/media/images/")
    assert tags["og:image:alt"] == project.hero_image.description

    project.search_description = "Un atelier de confection qui relance un savoir-faire jurassien."
    project.save_revision().publish()
    tags = head(client, project.url)
    assert tags["description"] == project.search_description
    assert tags["og:description"] == project.search_description


def test_a_rich_text_introduction_is_described_in_plain_text(client, demo_site):
    call = CallForIdeasPage.objects.live().first()
    call.search_description = ""
    call.intro = "<p>Vos idées&nbsp;? <b>Le territoire</b> les attend.</p>"
    call.save_revision().publish()

    tags = head(client, call.url)
    assert tags["description"] == "Vos idées ? Le territoire les attend."


def test_a_page_without_description_nor_introduction_gets_the_sites(client, demo_site):
    settings = OrganisationSettings.for_site(demo_site.get_site())
    settings.description = "La coopérative des transitions du Jura."
    settings.save()
    page = StandardPage(title="Plan du site", slug="plan-du-site")
    demo_site.add_child(instance=page)

    tags = head(client, page.url)
    assert tags["description"] == "La coopérative des transitions du Jura."
    assert tags["og:title"] == "Plan du site"
    # No image: a plain card, and no og:image.
    assert "og:image" not in tags
    assert tags["twitter:card"] == "summary"


def test_a_long_description_is_cut_at_a_word(client, demo_site):
    page = StandardPage(title="Long", slug="long", intro="Une phrase assez longue. " * 20)
    demo_site.add_child(instance=page)

    description = head(client, page.url)["description"]
    assert len(description) <= 160
    assert description.endswith("…")
    kept = description.removesuffix("…")
    assert page.intro.startswith(kept)
    assert page.intro[len(kept)] == " ", "cut inside a word"


def test_the_donation_page_has_its_description_and_address(client, demo_site):
    page = DonationPage.objects.live().get()
    tags = head(client, page.url)
    assert tags["description"]
    assert tags["canonical"] == f"{PUBLIC}{page.url}"
    # Its sub-pages keep their own address (the ledger is not the campaign page).
    assert head(client, f"{page.url}registre/")["canonical"] == f"{PUBLIC}{page.url}registre/"


def test_an_extranet_page_says_nothing_of_itself_beyond_noindex(associate_client):  # noqa: F811
    tags = head(associate_client, "/extranet/")
    assert tags["robots"].startswith("noindex")
    assert "description" not in tags
    assert "canonical" not in tags
    assert not [key for key in tags if key.startswith(("og:", "twitter:"))]


def test_account_pages_say_nothing_of_themselves(client, demo_site):
    tags = head(client, "/compte/connexion/")
    assert tags["robots"] == "noindex"
    assert not {"description", "canonical", "og:url"} & set(tags)
