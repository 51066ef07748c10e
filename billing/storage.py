import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateDocumentStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, so no static route serves them:
    only the download view, which checks who asks. Read at use, so tests can move it."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_documents():
    return PrivateDocumentStorage()
