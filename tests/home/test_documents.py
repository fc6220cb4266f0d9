"""Private documents: stored outside the public media folder, served only through the
checking view (collection privacy, streaming, byte ranges, `private, no-store`), every
download logged and shown to staff, nothing served at /media/documents/."""

import datetime
import importlib.util
import sys
import tracemalloc
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.shortcuts import resolve_url
from django.urls import resolve, reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import BaseViewRestriction, Collection, CollectionViewRestriction

from home import documents as home_documents
from home.checks import private_media_outside_media_root
from home.documents import RangeNotSatisfiable, parse_range
from home.models import Document, DocumentDownload
from tests.exports import csv_rows, xlsx_table

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 40  # 10,240 bytes, each position recognisable
TITLE = "Rapport financier 2025 de l'AG"
FILENAME = "rapport-financier-2025.pdf"
DOWNLOADS_ADMIN = "/admin/document_downloads/"


@pytest.fixture(autouse=True)
def storage_roots(settings, tmp_path):
    """Each test gets its own public and private folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings


@pytest.fixture
def associates() -> Group:
    return Group.objects.create(name="Associés (test)")


@pytest.fixture
def member(django_user_model, associates):
    user = django_user_model.objects.create_user("associe-test", "associe@example.org", "pw")
    user.first_name, user.last_name = "Aline", "Associée"
    user.save()
    user.groups.add(associates)
    return user


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user("visiteur-test", "visiteur@example.org", "pw")


def restricted_collection(name, restriction_type, groups=()) -> Collection:
    collection = Collection.get_first_root_node().add_child(name=name)
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=restriction_type
    )
    restriction.groups.set(groups)
    return collection


def make_document(collection=None, content=CONTENT, name=FILENAME, title=TITLE) -> Document:
    document = Document(
        title=title,
        file=ContentFile(content, name=name),
        collection=collection or Collection.get_first_root_node(),
    )
    document.file_size = len(content)
    document._set_file_hash()
    document.save()
    return document


@pytest.fixture
def ag_collection(associates) -> Collection:
    return restricted_collection("AG 2026", BaseViewRestriction.GROUPS, [associates])


@pytest.fixture
def ag_document(ag_collection) -> Document:
    return make_document(ag_collection)


def login_url() -> str:
    return resolve_url(
        getattr(settings_module(), "WAGTAIL_FRONTEND_LOGIN_URL", None)
        or reverse("wagtailcore_login")
    )


def settings_module():
    from django.conf import settings

    return settings


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"


def assert_reveals_nothing(response, document):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert document.filename.encode() not in body
    assert document.title.encode() not in body
    assert document.title.encode("ascii", "xmlcharrefreplace") not in body
    assert CONTENT[:64] not in body


# Storage


def test_documents_are_stored_under_private_media_root_never_media_root(settings, ag_document):
    assert get_document_model() is Document
    path = Path(ag_document.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.read_bytes() == CONTENT
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(NotImplementedError):
        ag_document.file.url  # noqa: B018 (no public address at all)
    assert ag_document.url == f"/documents/{ag_document.pk}/{FILENAME}"
    assert resolve(ag_document.url).func is home_documents.serve


def test_private_files_are_readable_by_the_site_user_only(ag_document):
    assert Path(ag_document.file.path).stat().st_mode & 0o777 == 0o640


def test_a_private_root_inside_media_root_stops_start_up(settings, tmp_path):
    assert private_media_outside_media_root(None) == []
    settings.PRIVATE_MEDIA_ROOT = Path(settings.MEDIA_ROOT) / "private"
    assert [error.id for error in private_media_outside_media_root(None)] == ["home.E001"]
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT
    assert [error.id for error in private_media_outside_media_root(None)] == ["home.E001"]


# Privacy


def test_anonymous_visitor_is_sent_to_login_and_gets_nothing(client, ag_document):
    response = client.get(ag_document.url)

    assert response.status_code == 302, "Wagtail's collection privacy: log in first"
    location = urlsplit(response["Location"])
    assert location.path == login_url()
    assert parse_qs(location.query)["next"] == [ag_document.url]
    assert_private(response)
    assert_reveals_nothing(response, ag_document)
    assert not DocumentDownload.objects.exists()


def test_a_guessed_file_name_gets_the_same_refusal(client, ag_document):
    """The refusal comes before the file name is compared: no way to confirm a guess."""
    wrong = client.get(f"/documents/{ag_document.pk}/autre-nom.pdf")
    right = client.get(ag_document.url)
    assert wrong.status_code == right.status_code == 302


def test_logged_in_non_member_gets_403_and_nothing(client, outsider, ag_document):
    client.force_login(outsider)

    response = client.get(ag_document.url)

    assert response.status_code == 403, "a logged-in outsider: no login loop"
    assert_private(response)
    assert_reveals_nothing(response, ag_document)
    assert client.get(f"/documents/{ag_document.pk}/autre-nom.pdf").status_code == 403
    assert not DocumentDownload.objects.exists()


def test_member_gets_the_document_private_and_not_cached(client, member, ag_document):
    client.force_login(member)

    response = client.get(ag_document.url)

    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == CONTENT
    assert_private(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(CONTENT))
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["ETag"] == f'"{ag_document.file_hash}"'


def test_member_asking_a_wrong_file_name_gets_404(client, member, ag_document):
    client.force_login(member)
    response = client.get(f"/documents/{ag_document.pk}/autre-nom.pdf")
    assert response.status_code == 404
    assert_private(response)


def test_login_only_collection_admits_any_logged_in_user(client, outsider):
    document = make_document(restricted_collection("Adhérents", BaseViewRestriction.LOGIN))

    anonymous = client.get(document.url)
    client.force_login(outsider)
    logged_in = client.get(document.url)

    assert anonymous.status_code == 302
    assert urlsplit(anonymous["Location"]).path == login_url()
    assert_reveals_nothing(anonymous, document)
    assert logged_in.status_code == 200
    assert b"".join(logged_in.streaming_content) == CONTENT
    assert_private(anonymous)
    assert_private(logged_in)


def test_password_collection_shows_the_form_and_not_the_file(client):
    document = make_document(restricted_collection("Presse", BaseViewRestriction.PASSWORD))
    CollectionViewRestriction.objects.filter(collection=document.collection).update(
        password="secret-presse"
    )

    response = client.get(document.url)

    assert response.status_code == 200
    assert b'name="password"' in response.content
    assert CONTENT[:64] not in response.content
    assert document.title.encode() not in response.content
    assert_private(response)


def test_public_document_is_served_to_anyone_and_logged_as_anonymous(client):
    document = make_document(title="Plaquette publique", name="plaquette.pdf")

    response = client.get(document.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert_private(response)
    download = DocumentDownload.objects.get()
    assert (download.user, download.username, download.who()) == (None, "", "anonyme")


def test_an_address_that_is_not_one_is_logged_empty(client):
    document = make_document(title="Public", name="public.pdf")
    response = client.get(document.url, REMOTE_ADDR="inconnue")
    assert response.status_code == 200
    assert DocumentDownload.objects.get().ip_address is None


def test_missing_file_is_a_404_not_an_error(client):
    document = make_document(title="Perdu", name="perdu.pdf")
    document.file.storage.delete(document.file.name)
    response = client.get(document.url)
    assert response.status_code == 404
    assert_private(response)


def test_unknown_document_and_post_are_refused_privately(client):
    assert_private(client.get("/documents/999999/rien.pdf"))
    document = make_document(title="Public", name="public.pdf")
    response = client.post(document.url)
    assert response.status_code == 405
    assert_private(response)


# The old public path


def test_media_documents_path_is_404_for_everyone(client, settings, member, ag_document):
    """Wagtail's default model stored files at MEDIA_ROOT/documents/: an old copy left
    there is never served, to anyone."""
    old_copy = Path(settings.MEDIA_ROOT) / "documents" / FILENAME
    old_copy.parent.mkdir(parents=True)
    old_copy.write_bytes(CONTENT)

    for user in (None, member):
        if user:
            client.force_login(user)
        response = client.get(f"/media/documents/{FILENAME}")
        assert response.status_code == 404
        assert_private(response)
        assert CONTENT[:64] not in response.content


@pytest.fixture
def dev_urls(settings):
    """The URLconf as `make run` builds it (DEBUG, SERVE_MEDIA: MEDIA_ROOT served)."""
    settings.DEBUG = True
    settings.SERVE_MEDIA = True
    spec = importlib.util.find_spec("clusterjura.urls")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["tests_dev_urls"] = module
    settings.ROOT_URLCONF = "tests_dev_urls"
    yield module
    del sys.modules["tests_dev_urls"]


def test_development_media_server_serves_images_never_documents(client, settings, dev_urls):
    media = Path(settings.MEDIA_ROOT)
    (media / "documents").mkdir(parents=True)
    (media / "documents" / FILENAME).write_bytes(CONTENT)
    (media / "original_images").mkdir()
    (media / "original_images" / "vue.png").write_bytes(b"\x89PNG image")

    image = client.get("/media/original_images/vue.png")
    assert image.status_code == 200, "images stay public"
    assert b"".join(image.streaming_content) == b"\x89PNG image"
    for path in (
        f"/media/documents/{FILENAME}",
        f"/media/original_images/../documents/{FILENAME}",
        f"/media/./documents/{FILENAME}",
        "/media/documents/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert CONTENT[:64] not in response.content


def test_private_folder_is_not_under_any_served_url(ag_document, settings):
    """No URL prefix of the site maps to PRIVATE_MEDIA_ROOT: the storage has no URL."""
    with pytest.raises(NotImplementedError):
        storages["private"].url(ag_document.file.name)


# Byte ranges


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", (0, 9)),
        ("bytes=10-", (10, 99)),
        ("bytes=-5", (95, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=90-1000", (90, 99)),
        ("bytes=99-99", (99, 99)),
        ("bytes=5-1", None),  # invalid: ignored, whole file
        ("bytes=0-1,5-6", None),  # several ranges: whole file
        ("bytes=abc", None),
        ("items=0-1", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize(
    ("header", "size"), [("bytes=100-", 100), ("bytes=-0", 100), ("bytes=-1", 0)]
)
def test_parse_range_unsatisfiable(header, size):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, size)


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=1000-", 1000, len(CONTENT) - 1),
        ("bytes=-300", len(CONTENT) - 300, len(CONTENT) - 1),
        ("bytes=5000-999999", 5000, len(CONTENT) - 1),
    ],
)
def test_range_requests_get_206_with_the_right_bytes(
    client, member, ag_document, header, first, last
):
    client.force_login(member)

    response = client.get(ag_document.url, HTTP_RANGE=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(CONTENT)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert b"".join(response.streaming_content) == CONTENT[first : last + 1]
    assert_private(response)


def test_unsatisfiable_range_gets_416(client, member, ag_document):
    client.force_login(member)

    response = client.get(ag_document.url, HTTP_RANGE=f"bytes={len(CONTENT)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CONTENT)}"
    assert_private(response)
    assert not DocumentDownload.objects.exists()


def test_range_is_checked_after_privacy(client, outsider, ag_document):
    client.force_login(outsider)
    response = client.get(ag_document.url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 403
    assert_reveals_nothing(response, ag_document)


def test_if_range_with_another_version_gets_the_whole_file(client, member, ag_document):
    client.force_login(member)

    stale = client.get(ag_document.url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE='"autre"')
    current = client.get(
        ag_document.url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE=f'"{ag_document.file_hash}"'
    )

    assert stale.status_code == 200
    assert b"".join(stale.streaming_content) == CONTENT
    assert current.status_code == 206
    assert b"".join(current.streaming_content) == CONTENT[100:]


def test_unchanged_document_gets_304_and_no_log(client, member, ag_document):
    client.force_login(member)
    response = client.get(ag_document.url, HTTP_IF_NONE_MATCH=f'"{ag_document.file_hash}"')
    assert response.status_code == 304
    assert_private(response)
    assert not DocumentDownload.objects.exists()


# Download log


def test_a_download_logs_who_what_when_and_from_where(client, member, ag_document):
    client.force_login(member)
    before = timezone.now()

    response = client.get(ag_document.url, REMOTE_ADDR="203.0.113.7")
    b"".join(response.streaming_content)

    download = DocumentDownload.objects.get()
    assert download.document == ag_document
    assert download.document_title == TITLE
    assert (download.user, download.username) == (member, "associe-test")
    assert download.ip_address == "203.0.113.7"
    assert download.range_request is False
    assert before <= download.downloaded_at <= timezone.now()


def test_a_resumed_download_is_logged_once(client, member, ag_document):
    """A phone asks the first part, then the rest: one download, one row."""
    client.force_login(member)

    client.get(ag_document.url, HTTP_RANGE="bytes=0-4095")
    client.get(ag_document.url, HTTP_RANGE="bytes=4096-8191")
    client.get(ag_document.url, HTTP_RANGE="bytes=8192-")

    download = DocumentDownload.objects.get()
    assert download.range_request is True
    assert download.user == member


def test_head_requests_are_not_logged(client, member, ag_document):
    client.force_login(member)
    response = client.head(ag_document.url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(CONTENT))
    assert not DocumentDownload.objects.exists()


def test_the_log_outlives_the_document_and_the_account(client, member, ag_document):
    client.force_login(member)
    client.get(ag_document.url)
    ag_document.delete()
    member.delete()
    download = DocumentDownload.objects.get()
    assert (download.document, download.user) == (None, None)
    assert (download.document_title, download.who()) == (TITLE, "associe-test")


# Streaming


SIZE_200_MB = 200 * 1024 * 1024


@pytest.fixture
def big_document(settings, ag_collection) -> Document:
    """A 200 MB sparse file, placed straight in the private folder (no copy)."""
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "documents" / "pack-ag-complet.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        file.truncate(SIZE_200_MB)
    document = Document(title="Pack AG complet", collection=ag_collection)
    document.file.name = "documents/pack-ag-complet.zip"
    document.file_size = SIZE_200_MB
    document.save()
    return document


def download_size_and_peak(client, url, **headers) -> tuple[object, int, int]:
    """The response, the bytes received and the peak of memory allocated by the whole
    request: the view, the response and the iteration over its content."""
    client.get("/")  # warm-up: URLconf, templates and caches loaded before measuring
    total = 0
    tracemalloc.start()
    try:
        response = client.get(url, **headers)
        for chunk in response.streaming_content:
            total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, total, peak


def test_a_200_mb_document_streams_with_flat_memory(client, member, big_document):
    client.force_login(member)

    response, total, peak = download_size_and_peak(client, big_document.url)

    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE_200_MB)
    assert total == SIZE_200_MB
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while streaming"


def test_a_large_range_streams_with_flat_memory(client, member, big_document):
    client.force_login(member)

    response, total, peak = download_size_and_peak(
        client, big_document.url, HTTP_RANGE="bytes=104857600-"
    )

    assert response.status_code == 206
    assert total == SIZE_200_MB - 104857600
    assert peak < 20 * 1024 * 1024


# Admin: "Téléchargements"


@pytest.fixture
def downloads(client, member, ag_document):
    client.force_login(member)
    client.get(ag_document.url)
    formula = make_document(title='=HYPERLINK("http://x")', name="formule.pdf")
    client.get(formula.url)
    client.logout()
    return DocumentDownload.objects.all()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("equipe-docs", "equipe@example.org", "pw")


def rows(response) -> str:
    """The listing's table body (the filters' drop-downs also name the documents)."""
    text = response.content.decode().split('class="listing', 1)[-1]
    return text.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in text else ""


def test_staff_see_who_downloaded_the_ag_pack(client, superuser, downloads, ag_document, member):
    client.force_login(superuser)

    listing = client.get(DOWNLOADS_ADMIN)
    by_document = client.get(DOWNLOADS_ADMIN, {"document": ag_document.pk})
    by_collection = client.get(DOWNLOADS_ADMIN, {"collection": ag_document.collection_id})
    by_user = client.get(DOWNLOADS_ADMIN, {"user": member.pk})
    today = timezone.localdate()
    by_date = client.get(
        DOWNLOADS_ADMIN,
        {"downloaded_at_from": today - datetime.timedelta(days=1), "downloaded_at_to": today},
    )
    long_ago = client.get(DOWNLOADS_ADMIN, {"downloaded_at_to": "2020-01-01"})

    assert listing.status_code == 200
    assert "Téléchargements" in listing.content.decode()
    assert "associe-test" in rows(listing) and "anonyme" not in rows(listing)
    assert "Rapport financier 2025" in rows(listing) and "HYPERLINK" in rows(listing)
    assert "HYPERLINK" in rows(by_user), "both downloads are the member's"
    assert "Rapport financier 2025" in rows(by_document) and "HYPERLINK" not in rows(by_document)
    assert "Rapport financier 2025" in rows(by_collection)
    assert "HYPERLINK" not in rows(by_collection)
    assert "Rapport financier 2025" in rows(by_date)
    assert "Rapport financier 2025" not in rows(long_ago)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_staff_export_the_log_as_csv_and_xlsx_safely(client, superuser, downloads, member):
    client.force_login(superuser)

    csv_response = client.get(DOWNLOADS_ADMIN, {"export": "csv"})
    xlsx_response = client.get(DOWNLOADS_ADMIN, {"export": "xlsx"})

    assert 'filename="telechargements.csv"' in csv_response["Content-Disposition"]
    rows = csv_rows(csv_response)
    assert {row["Document"] for row in rows} == {TITLE, '\'=HYPERLINK("http://x")'}
    assert {row["Identifiant"] for row in rows} == {"associe-test"}
    assert {row["Nom"] for row in rows} == {"Aline Associée"}
    assert {row["Courriel"] for row in rows} == {"associe@example.org"}
    header, values = xlsx_table(xlsx_response)
    assert header == list(rows[0]) and len(values) == 2
    assert {row["Requête partielle"] for row in rows} <= {"oui", "non"}
    assert not any(isinstance(cell, str) and cell.startswith("=") for row in values for cell in row)


def test_the_log_is_read_only(client, superuser, downloads):
    client.force_login(superuser)
    download = downloads.first()
    assert client.get(f"{DOWNLOADS_ADMIN}inspect/{download.pk}/").status_code == 200
    assert client.get(f"{DOWNLOADS_ADMIN}add/").status_code in (302, 403, 404)
    assert client.post(f"{DOWNLOADS_ADMIN}delete/{download.pk}/").status_code in (302, 403, 404)
    assert DocumentDownload.objects.filter(pk=download.pk).exists()


def test_non_staff_cannot_see_or_export_the_log(client, member, outsider, downloads):
    client.force_login(outsider)
    for params in ({}, {"export": "csv"}, {"export": "xlsx"}):
        response = client.get(DOWNLOADS_ADMIN, params)
        assert response.status_code in (302, 403)
        assert not response.streaming
        assert b"associe-test" not in response.content and TITLE.encode() not in response.content


def test_editors_without_the_permission_cannot_see_the_log(client, django_user_model, downloads):
    editor = django_user_model.objects.create_user("editeur-docs", "ed@example.org", "pw")
    group = Group.objects.create(name="Éditeurs (test)")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    client.force_login(editor)

    response = client.get(DOWNLOADS_ADMIN, {"export": "csv"})

    assert response.status_code in (302, 403)
    assert not response.streaming
    assert b"associe-test" not in response.content
