"""Where the catalog files 1C uploads are kept until imported.

One folder per exchange session under `PRIVATE_MEDIA_ROOT/onec/` (the volume the
deployment keeps, never served). A file larger than `file_limit` comes as several POSTs
under one name, appended here; a zip is unpacked on the first `import` that names a file
it holds. Every name is reduced to its base name, and sizes are capped before they are
written: a part above `file_limit`, a file above `ONEC_MAX_UPLOAD_BYTES`, an archive
unpacking to more than `ONEC_MAX_UNZIPPED_BYTES` or `ONEC_MAX_ZIP_MEMBERS` members.
"""

import ntpath
import posixpath
import shutil
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from integrations.onec.models import ExchangeSession

UNPACKED_SUFFIX = ".unpacked"
COPY_CHUNK = 1024 * 1024


class UploadError(Exception):
    """An upload refused; the message is the failure line's reason."""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return _limit("ONEC_MAX_UPLOAD_BYTES", 512 * 1024 * 1024)


def max_unzipped_bytes() -> int:
    return _limit("ONEC_MAX_UNZIPPED_BYTES", 1024 * 1024 * 1024)


def max_zip_members() -> int:
    return _limit("ONEC_MAX_ZIP_MEMBERS", 2000)


def base_name(filename: str) -> str:
    """The file's own name: 1C may send a Windows path, an attacker `../`."""
    name = ntpath.basename(posixpath.basename(filename or "")).strip()
    return "" if name in ("", ".", "..") else name[:255]


def session_folder(session: ExchangeSession) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "onec" / str(session.profile_id) / str(session.pk)


def upload_append(*, session: ExchangeSession, filename: str, data: bytes) -> Path:
    """Append a part of `filename` to what came before under that name."""
    name = base_name(filename)
    if not name:
        raise UploadError(_("Give the file a name (filename=...)."))
    folder = session_folder(session)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    size = path.stat().st_size if path.exists() else 0
    if size + len(data) > max_upload_bytes():
        raise UploadError(
            _("The file is larger than %(limit)d bytes.") % {"limit": max_upload_bytes()}
        )
    with path.open("ab") as file:
        file.write(data)
    return path


def upload_find(*, session: ExchangeSession, filename: str) -> Path | None:
    """The stored file `filename`, unpacking the session's archives if it is in one."""
    name = base_name(filename)
    if not name:
        return None
    folder = session_folder(session)
    path = folder / name
    if path.is_file():
        return path
    if not folder.is_dir():
        return None
    for archive in sorted(folder.glob("*.zip")):
        _unpack(archive, folder)
    return path if path.is_file() else None


def _unpack(archive: Path, folder: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [member for member in bundle.infolist() if not member.is_dir()]
            if len(members) > max_zip_members():
                raise UploadError(
                    _("The archive holds more than %(count)d files.") % {"count": max_zip_members()}
                )
            budget = max_unzipped_bytes()
            for member in members:
                target = folder / (base_name(member.filename) or "unnamed")
                budget = _copy_capped(bundle, member, target, budget)
    except zipfile.BadZipFile as error:
        raise UploadError(_("The archive is damaged: %s") % error) from error
    archive.rename(archive.with_name(archive.name + UNPACKED_SUFFIX))


def _copy_capped(bundle: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int):
    # Count what is actually inflated: the sizes an archive declares can lie.
    with bundle.open(member) as source, target.open("wb") as sink:
        while chunk := source.read(COPY_CHUNK):
            budget -= len(chunk)
            if budget < 0:
                raise UploadError(
                    _("The archive unpacks to more than %(limit)d bytes.")
                    % {"limit": max_unzipped_bytes()}
                )
            sink.write(chunk)
    return budget


def session_folders_purge(session_ids: list[int], profile_ids: list[int]) -> None:
    """Remove the folders of sessions that ended."""
    for session_id, profile_id in zip(session_ids, profile_ids, strict=True):
        folder = Path(settings.PRIVATE_MEDIA_ROOT) / "onec" / str(profile_id) / str(session_id)
        shutil.rmtree(folder, ignore_errors=True)


def upload_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "onec"


def upload_folders_orphaned_purge(*, session_ids: set[int], older_than_seconds: float) -> int:
    """Remove session folders whose session row is gone (a crash between the two, a
    restored database) once untouched for `older_than_seconds`; returns how many."""
    root = upload_root()
    if not root.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - older_than_seconds
    for folder in root.glob("*/*"):
        if not folder.is_dir() or not folder.name.isdigit() or int(folder.name) in session_ids:
            continue
        if folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
