"""The orders file 1C sends back (`type=sale&mode=file`), whole or in parts.

1C splits a file larger than the `file_limit` that `init` told it into POSTs of exactly
that many bytes under one name. Parts are appended in the session's upload folder and the
file is applied as soon as it is a whole document: a part shorter than the limit is the
last one, and a file whose size is a multiple of the limit is whole when it parses (a cut
XML document never does). УНФ sends no `import` after the file, so nothing may wait for
it; УТ's `import` applies whatever is still stored, or says why it cannot.
"""

from integrations.onec.catalog_uploads import base_name, session_folder, upload_append
from integrations.onec.models import ExchangeSession, IntegrationProfile
from integrations.onec.order_changes import ChangeResult, changes_apply
from integrations.onec.xml_input import OnecInputError, parse_untrusted

SALE_PREFIX = "sale-"


def _stored_name(filename: str) -> str:
    # Apart from the catalog's files, should one session ever carry both.
    return SALE_PREFIX + base_name(filename)


def sale_file_receive(
    *,
    profile: IntegrationProfile,
    session: ExchangeSession | None,
    filename: str,
    data: bytes,
) -> list[ChangeResult] | None:
    """Apply the file, or store a part of it; None while more parts are to come.

    Raises `OnecInputError` for a file that is complete and unreadable, and
    `catalog_uploads.UploadError` for one over the size caps.
    """
    if session is None or not base_name(filename):
        # Without a session (HTTP Basic on every call) or a name there is nothing to
        # append to: the body is the whole file.
        return changes_apply(profile=profile, root=parse_untrusted(data))
    path = upload_append(session=session, filename=_stored_name(filename), data=data)
    try:
        root = parse_untrusted(path.read_bytes())
    except OnecInputError:
        if len(data) >= profile.file_limit:
            return None
        path.unlink(missing_ok=True)
        raise
    path.unlink(missing_ok=True)
    return changes_apply(profile=profile, root=root)


def sale_files_finish(
    *, profile: IntegrationProfile, session: ExchangeSession | None
) -> list[ChangeResult]:
    """Apply every file of the session still waiting for parts (1C's `import`).

    Raises `OnecInputError` for one that is not a whole document; it is dropped, so a
    retried exchange starts it afresh.
    """
    if session is None:
        return []
    folder = session_folder(session)
    results: list[ChangeResult] = []
    for path in sorted(folder.glob(SALE_PREFIX + "*")) if folder.is_dir() else []:
        try:
            root = parse_untrusted(path.read_bytes())
        finally:
            path.unlink(missing_ok=True)
        results.extend(changes_apply(profile=profile, root=root))
    return results
