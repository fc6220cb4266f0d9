"""Every admin export opens cleanly in a French spreadsheet (home.exports): columns split
on `;`, UTF-8 with its BOM, times in Europe/Paris as the listing shows them, oui/non and
French statuses, the same columns in CSV and XLSX, and the export buttons in sight."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from home.exports import SafeExportMixin, date_text, spreadsheet_value
from home.models import OutboxEmail
from tests.exports import csv_rows, csv_text, xlsx_rows, xlsx_table

UTC = datetime.UTC
# 13:05:42.123456 UTC in winter is 14:05 in Paris; 12:00:59 UTC in summer, 14:00.
WINTER = datetime.datetime(2026, 1, 15, 13, 5, 42, 123456, tzinfo=UTC)
SUMMER = datetime.datetime(2026, 7, 1, 12, 0, 59, tzinfo=UTC)


# Wagtail's own reports (locked pages, site history, workflows, redirects) keep the
# export Wagtail writes: they list pages and users, not the site's records.
WAGTAIL_REPORTS = ("admin/reports/", "admin/redirects/")


def export_listings() -> dict[str, type]:
    """Every admin listing of the site that offers an export: URL -> its index view class."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.callback

    listings = {}
    for url, view in walk(get_resolver().url_patterns):
        view_class = getattr(view, "view_class", None)
        if not view_class or not issubclass(view_class, SpreadsheetExportMixin):
            continue
        fields = getattr(view, "view_initkwargs", {}).get("list_export", view_class.list_export)
        if fields and not url.endswith("results/") and not url.startswith(WAGTAIL_REPORTS):
            listings["/" + url] = view_class
    return listings


LISTINGS = export_listings()


@pytest.fixture
def staff_client(client, demo_site):
    admin = get_user_model().objects.create_superuser("equipe", "equipe@example.org", "x")
    client.force_login(admin)
    return client


def test_the_site_has_its_exports_and_each_goes_through_the_one_helper():
    assert {
        "/admin/outbox/",
        "/admin/document_downloads/",
        "/admin/snippets/projects/idea/",
        "/admin/snippets/projects/workshopregistration/",
        "/admin/fund-donations/",
        "/admin/fund-receipts/",
        "/admin/fund-allocations/",
        "/admin/extranet-associates/",
        "/admin/extranet-movements/",
    } <= set(LISTINGS)
    assert [url for url, view in LISTINGS.items() if not issubclass(view, SafeExportMixin)] == []


@pytest.mark.parametrize("url", sorted(LISTINGS))
def test_each_export_opens_as_french_columns_with_its_buttons_in_sight(staff_client, url):
    listing = staff_client.get(url)
    text = csv_text(staff_client.get(url, {"export": "csv"}))
    header, _rows = xlsx_table(staff_client.get(url, {"export": "xlsx"}))

    assert listing.status_code == 200
    for export in ("csv", "xlsx"):
        # A button of the header itself, not an entry of its "…" menu.
        assert re.search(
            rf'<a href="{re.escape(url)}\?export={export}" class="w-header-button button"',
            listing.text,
        ), f"{export} button in the header of {url}"
    first_line = text.splitlines()[0]
    assert first_line.count(";") == len(header) - 1, "one column per heading, split on ;"
    assert first_line.split(";") == header, "the same columns in CSV and XLSX"
    for row in csv_rows(text):  # each row has as many cells as headings
        assert None not in row and None not in row.values()
    assert not any(re.fullmatch(r"(Get .*|Pk)", heading) for heading in header), header


def test_values_are_written_as_a_french_spreadsheet_reads_them():
    assert date_text(WINTER) == "15/01/2026 14:05" and date_text(SUMMER) == "01/07/2026 14:00"
    assert date_text(datetime.date(2026, 3, 9)) == "09/03/2026" and date_text(None) == ""
    assert spreadsheet_value(WINTER, "xlsx") == datetime.datetime(2026, 1, 15, 14, 5, 42)
    assert spreadsheet_value(True, "csv") == "oui" and spreadsheet_value(False, "xlsx") == "non"
    assert spreadsheet_value(Decimal("1234.56"), "csv") == "1234,56"
    assert spreadsheet_value(Decimal("1234.56"), "xlsx") == Decimal("1234.56")
    assert spreadsheet_value(None, "csv") == "" and spreadsheet_value(None, "xlsx") == ""


def test_the_outbox_export_matches_the_listing_in_paris_time_and_french(staff_client):
    email = OutboxEmail.objects.create(
        kind="tests.export", to="camille@example.org", subject="Votre idée", body_text="x"
    )
    OutboxEmail.objects.filter(pk=email.pk).update(
        created_at=WINTER, sent_at=SUMMER, state=OutboxEmail.State.FAILED
    )
    url = "/admin/outbox/"

    listing = html.unescape(staff_client.get(url, {"q": "camille"}).text)
    (row,) = csv_rows(staff_client.get(url, {"export": "csv", "q": "camille"}))
    (cells,) = xlsx_rows(staff_client.get(url, {"export": "xlsx", "q": "camille"}))

    assert "15/01/2026 14:05" in listing and "01/07/2026 14:00" in listing
    assert (row["Créé le"], row["Envoyé le"]) == ("15/01/2026 14:05", "01/07/2026 14:00")
    assert row["État"] == "abandonné après plusieurs essais" == cells["État"]
    assert row["Numéro"] == str(email.pk) and cells["Numéro"] == email.pk
    assert cells["Créé le"] == datetime.datetime(2026, 1, 15, 14, 5, 42), "Paris, no microsecond"
    assert cells["Envoyé le"].strftime("%d/%m/%Y %H:%M") == row["Envoyé le"]
    assert list(row) == list(cells), "the same columns in CSV and XLSX"
