"""Several app servers keep no state of their own: two real gunicorn processes on one
database and one Redis share logins, rate limits and cache invalidations; media live
on S3-compatible storage (moto's S3 server), public images served from the bucket,
private documents only through the app's permission check.

Redis answers on 127.0.0.1:6379 (`make test` and .ci/run start it when it does not);
these tests use its database 13 alone and empty it before and after.
"""

import io
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import boto3
import pytest
import redis
from django.contrib.auth.models import User
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from home.models import Document, HomePage, NewsIndexPage, OutboxEmail
from tests.conftest import build_demo_site
from tests.home.test_concurrency import FormReader, request
from tests.servers import free_port, start, start_app_server, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "un-long-mot-de-passe-de-test"


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail("Redis ne répond pas sur 127.0.0.1:6379 : lancez `make test` (il le démarre).")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def servers(tmp_path):
    started = []

    def launch(name, **environ):
        server = start_app_server(name, tmp_path, **environ)
        started.append(server)
        return server

    yield launch
    for server in started:
        server.stop()


@dataclass
class Visitor:
    """One browser: its cookies go to whichever server it talks to, as behind a load
    balancer without sticky sessions."""

    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, base: str, path: str):
        answer = self._keep(request(base, "GET", path, headers=self._headers()))
        answer.path = path
        return answer

    def post_form(self, base: str, path: str, data: dict, *, form_field: str):
        """Read the form on `path` (CSRF token included), fill it in and send it."""
        return self.post_form_from(base, self.get(base, path), data, form_field=form_field)

    def post_form_from(self, base: str, page, data: dict, *, form_field: str):
        """Send the form of a page already read (hidden fields as given, plus `data`)."""
        reader = FormReader()
        reader.feed(page.text)
        form = next(form for form in reader.forms if form_field in form.names)
        body = urllib.parse.urlencode({**form.fields, **data})
        headers = {**self._headers(), "Content-Type": "application/x-www-form-urlencoded"}
        action = form.action or page.path
        return self._keep(request(base, "POST", action, body=body, headers=headers))

    def _headers(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep(self, answer):
        jar = SimpleCookie()
        for header in answer.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        for name, morsel in jar.items():
            if morsel.value:
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)
        return answer


def test_two_app_servers_share_logins_rate_limits_and_cache_invalidations(shared_redis, servers):
    build_demo_site()
    User.objects.create_superuser("equipe", "equipe@example.org", PASSWORD)
    news_index = NewsIndexPage.objects.get()
    a = servers("a", REDIS_URL=REDIS_URL)
    b = servers("b", REDIS_URL=REDIS_URL)

    # A login on A is valid on B: the session is in Redis (and the database).
    staff = Visitor()
    answer = staff.post_form(
        a.url, "/admin/login/", {"username": "equipe", "password": PASSWORD}, form_field="password"
    )
    assert answer.status == 302, answer.text[:500]
    dashboard = staff.get(b.url, "/admin/")
    assert dashboard.status == 200, dashboard.headers
    assert "equipe" in dashboard.text
    assert any(b"sessions.cache" in key for key in shared_redis.keys("*"))

    # A rate limit counted on A holds on B: 3 reset links an hour per address, whichever
    # server the requests reach.
    visitor = Visitor()
    for base in (a.url, b.url, a.url, b.url, a.url):
        answer = visitor.post_form(
            base, "/compte/mot-de-passe/oubli/", {"email": "equipe@example.org"}, form_field="email"
        )
        assert answer.status == 302
    resets = OutboxEmail.objects.filter(kind="extranet.password_reset", to="equipe@example.org")
    assert resets.count() == 3

    # A cache invalidation made through A is seen by B: B has cached the menu and footer
    # (and, where the page cache is on, the page) that link to the news; staff unpublish
    # the news index through A; B stops linking to it at once.
    anonymous = Visitor()
    assert 'href="/actualites/"' in anonymous.get(b.url, "/").text
    assert 'href="/actualites/"' in anonymous.get(b.url, "/").text  # now from the cache
    unpublish = f"/admin/pages/{news_index.pk}/unpublish/"
    answer = staff.post_form(a.url, unpublish, {}, form_field="csrfmiddlewaretoken")
    assert answer.status == 302, answer.text[:500]
    news_index.refresh_from_db()
    assert not news_index.live
    home = anonymous.get(b.url, "/")
    assert home.status == 200
    assert 'href="/actualites/"' not in home.text


# --- media on S3-compatible storage -----------------------------------------------------

BUCKET = "clusterjura-media"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "test-access-key", "AWS_SECRET_ACCESS_KEY": "test-secret-key"}


@pytest.fixture
def s3_server(tmp_path):
    """moto's S3 server on 127.0.0.1, with an empty bucket (ACLs enforced for anonymous
    readers, as on a real service)."""
    port = free_port()
    process = start(
        "moto",
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        {**os.environ, "PYTHONUNBUFFERED": "1"},
        tmp_path,
    )
    endpoint = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            urllib.request.urlopen(endpoint, timeout=2)  # noqa: S310 (127.0.0.1)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    wait_until(up, "moto's S3 server did not start", process)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **_keys())
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    process.stop()


def _keys() -> dict:
    return {
        "aws_access_key_id": S3_KEYS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    }


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), (31, 81, 53)).save(buffer, "PNG")
    return buffer.getvalue()


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (127.0.0.1)
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def test_media_on_s3_public_images_served_private_documents_only_through_the_app(
    s3_server, servers
):
    endpoint, s3 = s3_server
    build_demo_site()

    # An image and an assembly document uploaded to the bucket, as the admin would have
    # (public-read for the image, private for the document, under the private prefix).
    s3.put_object(
        Bucket=BUCKET,
        Key="original_images/foret.png",
        Body=png_bytes(),
        ACL="public-read",
        ContentType="image/png",
    )
    image = get_image_model().objects.create(
        title="Forêt du Risoux",
        file="original_images/foret.png",
        width=640,
        height=360,
        file_size=len(png_bytes()),
        collection=Collection.get_first_root_node(),
    )
    HomePage.objects.update(hero_image=image)
    pdf = b"%PDF-1.4\n% Proces-verbal de l'AG 2026 (test)\n%%EOF\n"
    s3.put_object(
        Bucket=BUCKET,
        Key="private/documents/pv-ag-2026.pdf",
        Body=pdf,
        ACL="private",
        ContentType="application/pdf",
    )
    collection = Collection.objects.get(name="Documents des associés")
    document = Document.objects.create(
        title="Procès-verbal de l'AG 2026",
        file="documents/pv-ag-2026.pdf",
        file_size=len(pdf),
        collection=collection,
    )
    associate = User.objects.create_user("associe-s3", "associe-s3@example.org", PASSWORD)
    for restriction in collection.get_view_restrictions():
        associate.groups.add(*restriction.groups.all())

    app = servers(
        "s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        **S3_KEYS,
    )

    # The public image: the page links a rendition the app made and stored in the bucket,
    # served by the bucket to anyone; the page's policy lets the browser load it.
    visitor = Visitor()
    home = visitor.get(app.url, "/")
    assert home.status == 200
    sources = re.findall(
        rf'(?:src|srcset)="({re.escape(endpoint)}/{BUCKET}/images/[^" ]+)', home.text
    )
    assert sources, home.text[:3000]
    status, body, content_type = fetch(sources[0])
    assert status == 200 and content_type.startswith("image/") and len(body) > 100
    assert endpoint in home.headers["Content-Security-Policy"]

    # The private document: refused to an anonymous visitor, by the app and by the bucket.
    path = f"/documents/{document.pk}/pv-ag-2026.pdf"
    refused = visitor.get(app.url, path)
    assert refused.status == 302 and "/compte/connexion/" in refused.headers["Location"]
    assert "Proces-verbal" not in refused.text
    assert fetch(f"{endpoint}/{BUCKET}/private/documents/pv-ag-2026.pdf")[0] == 403

    # ... and served to an associate once logged in, read from the private bucket.
    answer = visitor.post_form(
        app.url,
        f"/compte/connexion/?next={urllib.parse.quote(path)}",
        {"username": "associe-s3", "password": PASSWORD},
        form_field="password",
    )
    assert answer.status == 302, answer.text[:500]
    served = visitor.get(app.url, path)
    assert served.status == 200
    assert served.text.encode() == pdf
    assert served.headers["Cache-Control"] == "private, no-store"
