"""Documents reach visitors through this view only: privacy checked, streamed, logged.

`serve` answers /documents/<id>/<filename> (site/urls.py, before Wagtail's own
route, which it replaces) and does what Wagtail's serve view does, plus:

- the collection's view restrictions are checked before anything else, the file
  name included: a refusal looks the same whatever name was asked for, so nobody
  can confirm a guessed file name; a logged-in visitor outside the allowed groups
  gets a 403 instead of Wagtail's redirect to the login page (a loop);
- the file is read from the private storage in chunks (a 200 MB file never sits in
  memory), and single byte ranges are served (206, 416), so a phone can resume;
- every answer, refusals included, carries `Cache-Control: private, no-store`: no
  shared cache keeps a private document, no browser keeps it on disk;
- every download is logged (`DocumentDownload`), once per download, not per range.

`refuse_private_media` answers 404 under MEDIA_URL/documents/, where Wagtail's
default model used to store files: old copies there are never served.
"""

import ipaddress
import posixpath
import re
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import get_resolver, get_urlconf
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe
from django.views.static import serve as static_serve
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served
from wagtail.models import BaseViewRestriction

from home.client_ip import client_ip
from home.models import DocumentDownload

CACHE_CONTROL = "private, no-store"
CHUNK_SIZE = 64 * 1024
PRIVATE_MEDIA_FOLDER = "documents"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a single `bytes=` range, or None when the
    header is to be ignored (malformed, or several ranges: the whole file is sent,
    as RFC 9110 allows). Raises RangeNotSatisfiable when no byte of the file is asked."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # bytes=-n: the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(size - suffix, 0), size - 1
    first = int(first)
    if last and int(last) < first:
        return None
    if first >= size:
        raise RangeNotSatisfiable
    return first, min(int(last), size - 1) if last else size - 1


class _RangeReader:
    """A file read from its current position for `length` bytes at most.

    It has no `fileno`, so a WSGI server's sendfile never sends past the range.
    """

    def __init__(self, file, length: int):
        self._file = file
        self._remaining = length

    def read(self, size: int = -1) -> bytes:
        if self._remaining <= 0:
            return b""
        if size is None or size < 0 or size > self._remaining:
            size = self._remaining
        data = self._file.read(size)
        self._remaining -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


class DocumentFileResponse(FileResponse):
    block_size = CHUNK_SIZE


def _error_response(request, status: int, exception: Exception) -> HttpResponse:
    """The site's own 403/404 page (handler403/handler404 of the URLconf)."""
    handler = get_resolver(get_urlconf()).resolve_error_handler(status)
    return handler(request, exception=exception)


def private_response(view):
    """Every answer of `view`, refusals and errors included, is `private, no-store`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exception:
            response = _error_response(request, 404, exception)
        except PermissionDenied as exception:
            response = _error_response(request, 403, exception)
        response["Cache-Control"] = CACHE_CONTROL
        return response

    return wrapped


def refusal(document, request) -> HttpResponse | None:
    """The answer to give instead of the document, or None when it may be served.

    A logged-in visitor who is not in a group the collection is restricted to is
    refused with 403 (logging in again would not help); everything else is decided by
    the `before_serve_document` hooks, Wagtail's collection privacy among them
    (login: redirect to the login page; password: the password form).
    """
    if request.user.is_authenticated:
        for restriction in document.collection.get_view_restrictions():
            if (
                restriction.restriction_type == BaseViewRestriction.GROUPS
                and not restriction.accept_request(request)
            ):
                raise PermissionDenied
    for hook in hooks.get_hooks("before_serve_document"):
        result = hook(document, request)
        if isinstance(result, HttpResponse):
            return result
    return None


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record_download(*, document, user, ip_address: str, range_request: bool) -> DocumentDownload:
    """Log one download of `document` (user None or anonymous: a public document)."""
    authenticated = user is not None and user.is_authenticated
    download = DocumentDownload(
        document=document,
        document_title=document.title[:255],
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        ip_address=_valid_ip(ip_address),
        range_request=range_request,
    )
    # The document and the user were just loaded: no query to check they exist.
    download.full_clean(exclude=["document", "user"])
    download.save()
    return download


@private_response
@require_safe
def serve(request, document_id, document_filename):
    Document = get_document_model()
    document = get_object_or_404(Document.objects.select_related("collection"), id=document_id)
    response = refusal(document, request)
    if response is not None:
        return response
    if document.filename != document_filename:
        raise Http404("This document does not match the given filename.")
    document_served.send(sender=Document, instance=document, request=request)
    return _stream(request, document)


def _stream(request, document) -> HttpResponse:
    storage, name = document.file.storage, document.file.name
    try:
        size = storage.size(name)
    except FileNotFoundError:
        raise Http404("The document's file is missing.") from None

    etag = quote_etag(document.file_hash) if document.file_hash else None
    if etag:
        # If-None-Match (304) and If-Match (412), as Wagtail's view does with its etag.
        conditional = get_conditional_response(request, etag=etag)
        if conditional is not None:
            return conditional

    byte_range = None
    range_header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    # If-Range: the range only if the file is still the one the client has (its ETag);
    # a date or another ETag gets the whole file.
    if range_header and (if_range is None or (etag is not None and if_range == etag)):
        try:
            byte_range = parse_range(range_header, size)
        except RangeNotSatisfiable:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response

    if request.method == "GET" and (byte_range is None or byte_range[0] == 0):
        record_download(
            document=document,
            user=request.user,
            ip_address=client_ip(request),
            range_request=byte_range is not None,
        )

    file = storage.open(name, "rb")
    if byte_range is None:
        response = DocumentFileResponse(file, content_type=document.content_type)
        response["Content-Length"] = size
    else:
        first, last = byte_range
        file.seek(first)
        length = last - first + 1
        response = DocumentFileResponse(
            _RangeReader(file, length), status=206, content_type=document.content_type
        )
        response["Content-Length"] = length
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = document.content_disposition
    if etag:
        response["ETag"] = etag
    # As Wagtail's view: no script of an uploaded file runs, no type is guessed.
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@private_response
def refuse_private_media(request, path=""):
    """MEDIA_URL/documents/…: 404, whatever exists there."""
    raise Http404


@require_safe
def serve_public_media(request, path, document_root=None):
    """Development server for MEDIA_ROOT (images) that never serves MEDIA_ROOT/documents/.

    The path is normalised first: `images/../documents/x.pdf` is refused too.
    """
    normalised = posixpath.normpath(path).lstrip("/")
    if normalised.split("/", 1)[0] == PRIVATE_MEDIA_FOLDER:
        return refuse_private_media(request)
    return static_serve(request, path, document_root=document_root)
