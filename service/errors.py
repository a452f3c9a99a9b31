"""The error tree. The core raises these; only the edges translate them.

    VericlaimError                      code            HTTP  CLI exit
    ├── InputError                      bad_input       400   2
    │   ├── EmptyClaimError             empty_claim     422   2
    │   ├── ClaimTooLongError           claim_too_long  422   2
    │   ├── TextTooLongError            text_too_long   422   2  (check-text)
    │   ├── UnsupportedFileTypeError    unsupported_file_type 415 2
    │   ├── UnsupportedMediaTypeError   unsupported_media_type 415 2  (HTTP: a body of the wrong Content-Type)
    │   ├── BodyTooLargeError           body_too_large  413   2  (a request body or an upload over its limit)
    │   ├── RequestTimeoutError         request_timeout 408   2  (HTTP: a body that stopped arriving)
    │   ├── UnreadableDocumentError     unreadable_document   422 2
    │   ├── InvalidCollectionError      invalid_collection    422 2
    │   ├── InvalidJobError             invalid_job     422   2  (a job upload with no checkable line)
    │   └── DatasetFormatError          bad_dataset     422   2
    ├── NotFoundError                   not_found       404   3
    │   ├── DocumentNotFoundError       document_not_found 404 3
    │   ├── CollectionNotFoundError     collection_not_found 404 3
    │   └── JobNotFoundError            job_not_found   404   3
    ├── UnauthorizedError               unauthorized    401   7  (HTTP: a missing or wrong API token)
    ├── CollectionChangedError          collection_changed 409 1  (a version the store no longer keeps; retry)
    ├── ClientGoneError                 client_gone     499   1  (HTTP: logged only; nobody is left to answer)
    ├── IndexCorruptError               index_corrupt   500   4
    ├── ModelUnavailableError           model_unavailable 503 5
    └── BusyError                       busy            503   6  (queue full; retry later)
"""

from __future__ import annotations


class VericlaimError(Exception):
    code = "error"
    http_status = 500
    exit_code = 1

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InputError(VericlaimError):
    code = "bad_input"
    http_status = 400
    exit_code = 2


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


class CollectionChangedError(VericlaimError):
    """A collection view read after its store stopped keeping that version (PostgreSQL keeps replaced text
    for a while: pgstore/versions.py). Checking again reads the current version."""

    code = "collection_changed"
    http_status = 409


class ClientGoneError(VericlaimError):
    """The client disconnected while its write was running; the write stopped before its commit. The status
    (nginx's "client closed request") only reaches the log and the metrics."""

    code = "client_gone"
    http_status = 499


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
