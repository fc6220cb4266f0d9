"""The admin in good French where Wagtail's own French reads badly: "Ajouter un(e) thème"
becomes each viewset's own label, "Status actuel" and "Utilisé(e)" are corrected by the
site's catalogue (locale/fr), which must stay compiled."""

import gettext
import html
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file (msgid, msgid_plural, msgstr, msgstr[n]), header left out."""
    entries, entry, field = [], {}, None
    for line in [*path.read_text().splitlines(), ""]:
        match = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
        if match:
            field = match[1]
            entry[field] = match[2]
        elif line.startswith('"') and field:
            entry[field] += line[1:-1]
        elif not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, field = {}, None
    return entries


def test_the_compiled_catalogue_says_what_the_po_file_says():
    entries = po_entries(LOCALE / "django.po")
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    assert len(entries) >= 4
    for entry in entries:
        if "msgid_plural" in entry:
            for count, index in ((1, 0), (2, 1)):
                translated = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], count)
                assert translated == entry[f"msgstr[{index}]"], entry["msgid"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


@pytest.fixture
def staff_client(client, demo_site):
    admin = get_user_model().objects.create_superuser("equipe", "equipe@example.org", "x")
    client.force_login(admin)
    return client


def text_of(response) -> str:
    body = re.sub(r"<(script|template)\b.*?</\1>", " ", response.text, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_page_listing_says_statut_not_status(staff_client, demo_site):
    pages = text_of(staff_client.get(reverse("wagtailadmin_explore", args=[demo_site.pk])))

    assert "Statut actuel de la page" in pages and "Status actuel" not in pages


def test_no_listing_of_the_admin_says_ajouter_un_e(staff_client):
    listings = {
        reverse("wagtailsnippets_projects_idea:list"): "Ajouter une idée",
        reverse("wagtailsnippets_projects_workshopregistration:list"): "Ajouter une inscription",
        reverse("wagtailsnippets_projects_theme:list"): "Ajouter un thème",
        reverse("wagtailsnippets_projects_commune:list"): "Ajouter une commune",
        reverse("wagtailsnippets_projects_projectstatus:list"): "Ajouter un statut de projet",
        "/admin/fund-allocations/": "Ajouter un engagement",
        "/admin/fund-issuers/": "Ajouter un émetteur",
        "/admin/extranet-colleges/": "Ajouter un collège",
        "/admin/extranet-associates/": "Ajouter un associé",
        "/admin/extranet-movements/": "Enregistrer un mouvement",
        "/admin/fund-donations/": "Enregistrer un don hors ligne",
    }
    for url, label in listings.items():
        text = text_of(staff_client.get(url))
        assert label in text and "un(e)" not in text, url
