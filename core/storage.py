"""Files kept outside MEDIA_ROOT, so no static route serves them: only the portals'
download views, which check who asks (documents, files sent in the order chat)."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
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
