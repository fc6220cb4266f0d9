"""Addresses that leave the site (sitemap, RSS feed, robots.txt) point at BASE_URL.

Search engines and feed readers keep these addresses: they must name the public
site, not the Wagtail Site's hostname (`localhost` in the demo) nor whatever host
the request came through.
"""

import re

import pytest
from defusedxml import ElementTree as ET  # Wagtail's Willow depends on it

pytestmark = pytest.mark.django_db

PUBLIC = "https://clusterjura.example"
ARTICLE_PATH = "/actualites/assemblee-generale-2021-fonds-impulsion/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def public_base_url(settings):
    settings.BASE_URL = PUBLIC
    return PUBLIC


def test_sitemap_lists_every_page_on_base_url(client, demo_site, public_base_url):
    """Even though the demo's Wagtail Site is `localhost`."""
    response = client.get("/sitemap.xml", HTTP_HOST="testserver")
    assert response.status_code == 200
    locations = [
        element.text
        for element in ET.fromstring(response.content).findall("s:url/s:loc", SITEMAP_NS)
    ]
    assert f"{PUBLIC}/" in locations
    assert f"{PUBLIC}{ARTICLE_PATH}" in locations
    assert f"{PUBLIC}/mentions-legales/" in locations
    assert all(location.startswith(f"{PUBLIC}/") for location in locations), locations
    assert "localhost" not in response.content.decode()
    assert "testserver" not in response.content.decode()


def test_sitemap_follows_base_url_in_development(client, demo_site, settings):
    settings.BASE_URL = "http://127.0.0.1:8000"
    body = client.get("/sitemap.xml").content.decode()
    assert f"<loc>http://127.0.0.1:8000{ARTICLE_PATH}</loc>" in body


def test_rss_feed_links_point_at_base_url(client, demo_site, public_base_url):
    response = client.get("/actualites/rss/", HTTP_HOST="testserver")
    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("link") == f"{PUBLIC}/actualites/"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link.get("href") == f"{PUBLIC}/actualites/rss/"
    items = channel.findall("item")
    assert items
    links = [item.findtext("link") for item in items]
    assert f"{PUBLIC}{ARTICLE_PATH}" in links
    assert all(link.startswith(f"{PUBLIC}/actualites/") for link in links), links
    assert all(item.findtext("guid").startswith(f"{PUBLIC}/") for item in items)
    assert "testserver" not in response.content.decode()
    assert "localhost" not in response.content.decode()


def test_robots_txt_names_the_sitemap_on_base_url(client, demo_site, public_base_url):
    response = client.get("/robots.txt", HTTP_HOST="testserver")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /recherche/" in lines


def test_robots_txt_no_longer_mentions_the_django_admin(client, demo_site):
    body = client.get("/robots.txt").content.decode()
    assert "django-admin" not in body
    assert re.findall(r"^Sitemap: ", body, flags=re.MULTILINE) == ["Sitemap: "]
