"""Private files: kept where no static route or public bucket serves them, read only through
the portals' download views, which check who asks (documents, files sent in the order chat).

Where they are is `STORAGES["private"]`: a folder under `PRIVATE_MEDIA_ROOT` by default, a
private S3 bucket when `STORAGE_BACKEND=s3` (see `config/storage_settings.py`)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Under `PRIVATE_MEDIA_ROOT`, read at use, so tests can move it."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


class PrivateStorage(LazyObject):
    """The configured private storage, looked up at first use rather than at import.

    A FileField builds its storage once, when the model class is defined; going through
    `storages["private"]` lazily lets the backend follow STORAGES (as `default_storage`
    does for public files), including a test that switches it to S3."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


def _storages_changed(*, setting, **kwargs):
    # Django resets its own storage registry on this signal (sent by override_settings);
    # the wrapper must drop the instance it took from the old registry too.
    if setting == "STORAGES":
        private_storage._wrapped = empty


setting_changed.connect(_storages_changed)
