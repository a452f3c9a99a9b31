"""The error tree. The core raises these; only the edges translate them.

    VericlaimError                      code                    HTTP CLI  fault   retryable
    ├── InputError                      bad_input               400  2    input   no
    │   ├── EmptyClaimError             empty_claim             422  2
    │   ├── ClaimTooLongError           claim_too_long          422  2
    │   ├── TextTooLongError            text_too_long           422  2    (check-text)
    │   ├── UnsupportedFileTypeError    unsupported_file_type   415  2
    │   ├── UnsupportedMediaTypeError   unsupported_media_type  415  2    (HTTP: a body of the wrong Content-Type)
    │   ├── BodyTooLargeError           body_too_large          413  2    (a request body or an upload over its limit)
    │   ├── RequestTimeoutError         request_timeout         408  2    input   yes (HTTP: a body stopped arriving)
    │   ├── UnreadableDocumentError     unreadable_document     422  2
    │   ├── InvalidCollectionError      invalid_collection      422  2
    │   ├── InvalidJobError             invalid_job             422  2    (a job upload with no checkable line)
    │   └── DatasetFormatError          bad_dataset             422  2
    ├── NotFoundError                   not_found               404  3    input   no
    │   ├── DocumentNotFoundError       document_not_found      404  3
    │   ├── CollectionNotFoundError     collection_not_found    404  3
    │   └── JobNotFoundError            job_not_found           404  3
    ├── UnauthorizedError               unauthorized            401  7    input   no  (HTTP: a missing or wrong token)
    ├── CollectionChangedError          collection_changed      409  1    service yes (a version no longer kept)
    ├── ClientGoneError                 client_gone             499  1    input   yes (HTTP: logged only)
    ├── InternalError                   internal_error          500  1    input   no  (a bug met on one line of a run)
    ├── IndexCorruptError               index_corrupt           500  4    service no
    ├── ModelUnavailableError           model_unavailable       503  5    service no
    ├── BusyError                       busy                    503  6    service yes (the queue is full)
    ├── ConfigError                     config_error            500  8    service no  (a bad setting or store URL)
    └── DependencyUnavailableError      dependency_unavailable  503  9    service yes (the database does not answer)
        └── ExtraNotInstalledError      extra_not_installed     500  9    service no  (pip install 'vericlaim[…]')

Subclasses inherit what they do not set. Each class says whose fault it is (`fault`) and whether trying again
can help (`retryable`), so that no caller decides it on its own: a run over many claims (service/check_many.py)
records an input fault on its line and goes on, and stops or waits on a service fault.
"""

from __future__ import annotations

from typing import ClassVar, Literal

Fault = Literal["input", "service"]


class VericlaimError(Exception):
    """A failure the service knows how to report.

    `code` is the stable JSON code of the HTTP answer, `http_status` its status, `exit_code` the CLI's exit
    status. `fault` says whose fault the failure is: "input" when the request itself (a claim line, a file, an
    option, a token) is wrong, so that sending it again unchanged gets the same answer; "service" when this
    service or what it depends on (a model, the index, the store, its settings) failed, and the same input may
    well be fine. `retryable` says whether trying the same thing again later, with nothing changed by anyone,
    can succeed (a full queue, a database that did not answer); a corrupt index or a bad setting needs someone
    to act first."""

    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    fault: ClassVar[Fault] = "service"
    retryable: ClassVar[bool] = False

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InputError(VericlaimError):
    code = "bad_input"
    http_status = 400
    exit_code = 2
    fault = "input"


class EmptyClaimError(InputError):
    code = "empty_claim"
    http_status = 422


class ClaimTooLongError(InputError):
    code = "claim_too_long"
    http_status = 422


class TextTooLongError(InputError):
    code = "text_too_long"
    http_status = 422


class UnsupportedFileTypeError(InputError):
    code = "unsupported_file_type"
    http_status = 415


class UnsupportedMediaTypeError(InputError):
    code = "unsupported_media_type"
    http_status = 415


class BodyTooLargeError(InputError):
    code = "body_too_large"
    http_status = 413


class RequestTimeoutError(InputError):
    code = "request_timeout"
    http_status = 408
    retryable = True


class UnreadableDocumentError(InputError):
    code = "unreadable_document"
    http_status = 422


class InvalidCollectionError(InputError):
    code = "invalid_collection"
    http_status = 422


class InvalidJobError(InputError):
    code = "invalid_job"
    http_status = 422


class DatasetFormatError(InputError):
    code = "bad_dataset"
    http_status = 422


class NotFoundError(VericlaimError):
    code = "not_found"
    http_status = 404
    exit_code = 3
    fault = "input"


class DocumentNotFoundError(NotFoundError):
    code = "document_not_found"


class CollectionNotFoundError(NotFoundError):
    code = "collection_not_found"


class JobNotFoundError(NotFoundError):
    code = "job_not_found"


class UnauthorizedError(VericlaimError):
    code = "unauthorized"
    http_status = 401
    exit_code = 7
    fault = "input"


class CollectionChangedError(VericlaimError):
    """A collection view read after its store stopped keeping that version (PostgreSQL keeps replaced text
    for a while: pgstore/view.py). Checking again reads the current version."""

    code = "collection_changed"
    http_status = 409
    fault = "service"
    retryable = True


class ClientGoneError(VericlaimError):
    """The client disconnected while its write was running; the write stopped before its commit. The status
    (nginx's "client closed request") only reaches the log and the metrics."""

    code = "client_gone"
    http_status = 499
    fault = "input"
    retryable = True


class InternalError(VericlaimError):
    """An unexpected exception met while checking one line of a run (service/check_many.py); its detail holds
    only an id, under which the traceback is logged. It is taken to be the line's (`fault` input): something in
    that line the code did not foresee, so one such line does not hold up the others."""

    code = "internal_error"
    http_status = 500
    fault = "input"


class IndexCorruptError(VericlaimError):
    code = "index_corrupt"
    http_status = 500
    exit_code = 4


class ModelUnavailableError(VericlaimError):
    code = "model_unavailable"
    http_status = 503
    exit_code = 5


class BusyError(VericlaimError):
    code = "busy"
    http_status = 503
    exit_code = 6
    retryable = True


class ConfigError(VericlaimError):
    """A setting that cannot work: a value the settings refuse, or a store URL of an unknown scheme. Raised at
    start-up, before any model loads where it can be."""

    code = "config_error"
    http_status = 500
    exit_code = 8


class DependencyUnavailableError(VericlaimError):
    """Something the service relies on outside itself does not answer now (the PostgreSQL store)."""

    code = "dependency_unavailable"
    http_status = 503
    exit_code = 9
    retryable = True


class ExtraNotInstalledError(DependencyUnavailableError):
    """An optional part of the install that a setting or an option needs is missing (`pip install
    'vericlaim[postgres]'`, `[ray]`); nothing changes until it is installed."""

    code = "extra_not_installed"
    http_status = 500
    retryable = False
