"""Private file storage: documents live outside the public media folder.

`MEDIA_ROOT` is served as it is (by nginx in production, by the development server
in `dev`): anything stored there has a public address. Documents may belong to a
collection restricted to associates, so they are stored in `PRIVATE_MEDIA_ROOT`,
which no web server serves: the only way to a document's bytes is the checking view
(`home.documents.serve`).

The document model asks for `storages["private"]` (settings.STORAGES) when it needs
its storage, so production can swap the backend by settings alone: an S3-compatible
private bucket (django-storages' `S3Storage` with `default_acl="private"`) read
through the same view.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.deconstruct import deconstructible


@deconstructible(path="home.storage.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage at settings.PRIVATE_MEDIA_ROOT that gives no URL.

    Files are readable by the site's own user only (0640, folders 0750): a web server
    pointed at the folder by mistake, running as another user, still cannot read them.
    """

    def __init__(
        self, location=None, file_permissions_mode=0o640, directory_permissions_mode=0o750
    ):
        super().__init__(
            location=location,
            base_url=None,
            file_permissions_mode=file_permissions_mode,
            directory_permissions_mode=directory_permissions_mode,
        )

    @property
    def base_location(self):
        # Read at each use (not cached), so override_settings(PRIVATE_MEDIA_ROOT=...)
        # in the tests moves the folder at once.
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # No public address: Wagtail then links documents to its serve view.
        raise NotImplementedError("Private files are served by the document view only.")


def private_storage():
    """The storage of private documents, looked up when used (FileField accepts a
    callable): settings decide the backend, migrations do not record it."""
    return storages["private"]
