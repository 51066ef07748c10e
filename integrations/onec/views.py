"""`/1c_exchange/`: the one URL 1C's "обмен с сайтом" drives (`?type=...&mode=...`).

Answers are plain-text lines (`success` / `progress` / `failure` and a reason), the
`query` answer an XML document. 1C reads an HTML error page as a failure it cannot
explain, so every error here, even an unexpected one, is a `failure` line, and every call
is logged with its step, size and result.
"""

import base64
import binascii
import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from integrations.onec.catalog_jobs import catalog_job_poll
from integrations.onec.catalog_uploads import UploadError, base_name, upload_append, upload_find
from integrations.onec.login_throttling import login_failed, login_is_locked, window_seconds
from integrations.onec.models import CatalogImportJob, ExchangeLogEntry, IntegrationProfile
from integrations.onec.profiles import (
    SESSION_COOKIE,
    log_write,
    profile_authenticate,
    session_get,
    session_open,
)
from integrations.onec.sale_exchange import sale_query, sale_success
from integrations.onec.sale_files import sale_file_receive, sale_files_finish
from integrations.onec.tasks import onec_catalog_import_nudge
from integrations.onec.xml_input import OnecInputError

logger = logging.getLogger(__name__)

EXCHANGE_TYPES = ("sale", "catalog")
Result = ExchangeLogEntry.Result


class ExchangeFailureError(Exception):
    def __init__(self, reason: str, status: int = 200):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _text(lines: list[str], *, status: int = 200) -> HttpResponse:
    return HttpResponse("\n".join(lines), status=status, content_type="text/plain; charset=utf-8")


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    # 1C sends the login in UTF-8; older platforms in windows-1251.
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        text = decoded.decode("cp1251")
    login, colon, password = text.partition(":")
    return (login, password) if colon else None


def _authenticate(request: HttpRequest) -> IntegrationProfile | None:
    """The profile the request's HTTP Basic credentials open, None without them or for a
    wrong password; `ExchangeFailureError` while the login is locked out."""
    credentials = _basic_credentials(request)
    if credentials is None:
        return None
    login, password = credentials
    if login_is_locked(request, login):
        minutes = max(1, window_seconds() // 60)
        raise ExchangeFailureError(
            _(
                "Too many failed logins as “%(login)s” from this address: logins are refused "
                "for up to %(minutes)d minutes. Check the login and password in the exchange "
                "settings of 1C."
            )
            % {"login": login[:150], "minutes": minutes}
        )
    profile = profile_authenticate(login, password)
    if profile is None:
        login_failed(request, login)
    return profile


def _claimed_profile(request: HttpRequest) -> IntegrationProfile | None:
    """The profile whose login a refused call gave, so its log shows the refusal."""
    credentials = _basic_credentials(request)
    return IntegrationProfile.objects.filter(login=credentials[0]).first() if credentials else None


def _unauthorised() -> HttpResponse:
    response = _text(["failure", _("Log in with the exchange login and password.")], status=401)
    response["WWW-Authenticate"] = 'Basic realm="1C exchange", charset="UTF-8"'
    return response


def _read_body(request: HttpRequest, limit: int) -> bytes:
    # Read straight from the stream: Django's own cap (DATA_UPLOAD_MAX_MEMORY_SIZE) is for
    # forms, and 1C's limit is the one `init` told it.
    body = request.read(limit + 1)
    if len(body) > limit:
        raise ExchangeFailureError(
            _("The file is larger than file_limit (%(limit)d bytes).") % {"limit": limit}
        )
    return body


@csrf_exempt
@require_http_methods(["GET", "POST"])
def exchange(request: HttpRequest) -> HttpResponse:
    exchange_type = request.GET.get("type", "")
    mode = request.GET.get("mode", "")
    profile = None
    try:
        if exchange_type not in EXCHANGE_TYPES:
            raise ExchangeFailureError(
                _("Unknown exchange type: %(type)s.") % {"type": exchange_type[:32]}
            )
        if mode == "checkauth":
            profile = _authenticate(request)
            if profile is None:
                log_write(
                    profile=_claimed_profile(request), exchange_type=exchange_type, mode=mode,
                    result=Result.FAILURE, message=_("No or wrong login and password."),
                )  # fmt: skip
                return _unauthorised()
            token = session_open(profile=profile)
            log_write(
                profile=profile, exchange_type=exchange_type, mode=mode, result=Result.SUCCESS
            )
            return _text(["success", SESSION_COOKIE, token])
        session = session_get(request.COOKIES.get(SESSION_COOKIE, ""))
        profile = session.profile if session is not None else _authenticate(request)
        if profile is None:
            log_write(
                profile=_claimed_profile(request), exchange_type=exchange_type, mode=mode,
                result=Result.FAILURE, message=_("No session, and no valid login and password."),
            )  # fmt: skip
            return _unauthorised()
        return _step(request, profile, session, exchange_type, mode)
    except ExchangeFailureError as failure:
        log_write(
            profile=profile or _claimed_profile(request), exchange_type=exchange_type,
            mode=mode, result=Result.FAILURE, filename=base_name(request.GET.get("filename", "")),
            message=failure.reason,
        )  # fmt: skip
        return _text(["failure", failure.reason], status=failure.status)
    except Exception:
        # Whatever went wrong, 1C gets an answer it can show, and we keep the traceback.
        logger.exception("1C exchange %s/%s failed", exchange_type, mode)
        try:
            log_write(
                profile=profile, exchange_type=exchange_type, mode=mode, result=Result.FAILURE,
                message=_("Internal error; see the server log."),
            )  # fmt: skip
        except Exception:
            logger.exception("1C exchange log write failed")
        return _text(["failure", _("Internal error; see the exchange log.")])


def _step(request, profile: IntegrationProfile, session, exchange_type: str, mode: str):
    if mode == "init":
        log_write(profile=profile, exchange_type=exchange_type, mode=mode, result=Result.SUCCESS)
        # Exactly two lines: 1C aborts on any other count. Catalogs are big: zipped.
        zipped = "yes" if exchange_type == "catalog" else "no"
        return _text([f"zip={zipped}", f"file_limit={profile.file_limit}"])
    if exchange_type == "sale":
        return _sale_step(request, profile, session, mode)
    return _catalog_step(request, profile, session, mode)


def _catalog_step(request, profile: IntegrationProfile, session, mode: str):
    if session is None:
        raise ExchangeFailureError(_("Start with checkauth: uploads belong to its session."))
    filename = base_name(request.GET.get("filename", ""))
    try:
        if mode == "file":
            if request.method != "POST":
                raise ExchangeFailureError(_("Send the file in the body of a POST."))
            body = _read_body(request, profile.file_limit)
            upload_append(session=session, filename=filename, data=body)
            log_write(
                profile=profile, exchange_type="catalog", mode=mode, result=Result.SUCCESS,
                filename=filename, request_size=len(body),
            )  # fmt: skip
            return _text(["success"])
        if mode == "import":
            path = upload_find(session=session, filename=filename)
            if path is None:
                raise ExchangeFailureError(
                    _("No file “%(name)s” was uploaded in this session.") % {"name": filename}
                )
            return _catalog_import_answer(profile, session, filename, path)
    except UploadError as error:
        raise ExchangeFailureError(str(error)) from error
    raise ExchangeFailureError(_("Unknown mode: %(mode)s.") % {"mode": mode[:32]})


def _catalog_import_answer(profile, session, filename: str, path):
    job, nudge = catalog_job_poll(session=session, filename=filename, path=path)
    if nudge:
        # No transaction is open here (services own theirs): the job row is committed.
        onec_catalog_import_nudge(job.pk)
    if job.status == CatalogImportJob.Status.DONE:
        summary = ", ".join(f"{key}: {value}" for key, value in job.summary.items())
        log_write(
            profile=profile, exchange_type="catalog", mode="import", result=Result.SUCCESS,
            filename=filename, message="\n".join([summary, *job.problems]),
        )  # fmt: skip
        return _text(["success", summary])
    if job.status == CatalogImportJob.Status.FAILED:
        reason = job.problems[0] if job.problems else _("The import failed.")
        raise ExchangeFailureError(reason)
    log_write(
        profile=profile, exchange_type="catalog", mode="import", result=Result.PROGRESS,
        filename=filename,
    )  # fmt: skip
    return _text(["progress", _("Importing %(name)s…") % {"name": filename}])


def _results_message(results) -> str:
    return "\n".join(
        f"{result.number}: {'; '.join(result.notes) or _('no change')}" for result in results
    )


def _sale_step(request, profile: IntegrationProfile, session, mode: str):
    if mode == "query":
        answer = sale_query(profile=profile, session=session)
        return HttpResponse(answer.body, content_type=answer.content_type)
    if mode == "success":
        numbers = sale_success(profile=profile, session=session)
        log_write(
            profile=profile, exchange_type="sale", mode=mode, result=Result.SUCCESS,
            orders_acknowledged=numbers,
        )  # fmt: skip
        return _text(["success"])
    if mode == "file":
        if request.method != "POST":
            raise ExchangeFailureError(_("Send the file in the body of a POST."))
        filename = base_name(request.GET.get("filename", ""))
        body = _read_body(request, profile.file_limit)
        try:
            results = sale_file_receive(
                profile=profile, session=session, filename=filename, data=body
            )
        except (OnecInputError, UploadError) as error:
            raise ExchangeFailureError(str(error)) from error
        log_write(
            profile=profile, exchange_type="sale", mode=mode, result=Result.SUCCESS,
            filename=filename, request_size=len(body),
            message=_results_message(results) if results is not None
            else _("A part of the file is stored; the rest is to come."),
        )  # fmt: skip
        return _text(["success"])
    if mode == "import":
        # A whole file was applied when it came (УНФ never sends `import`); what is left is
        # a file 1C sent in parts of exactly file_limit bytes.
        try:
            results = sale_files_finish(profile=profile, session=session)
        except OnecInputError as error:
            raise ExchangeFailureError(str(error)) from error
        log_write(
            profile=profile, exchange_type="sale", mode=mode, result=Result.SUCCESS,
            message=_results_message(results),
        )  # fmt: skip
        return _text(["success"])
    raise ExchangeFailureError(_("Unknown mode: %(mode)s.") % {"mode": mode[:32]})
