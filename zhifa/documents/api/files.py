"""Serving stored blobs over the API: the bytes are hashed before they leave, a mismatch is refused.

The file is opened once and hashed through that same handle, which is then rewound and streamed, so
the bytes verified are the bytes served (blobs are written once and never replaced in place).
"""

from __future__ import annotations

import hashlib

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException

from zhifa.core import storage
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction


class IntegrityFailure(APIException):
    """The stored file no longer hashes to the value recorded when it was stored."""

    status_code = 409
    default_detail = _("文件完整性校验失败：存储的内容与登记的 SHA-256 不符，已拒绝下载。请联系系统管理员。")
    default_code = "integrity"


class FileMissing(APIException):
    status_code = 410
    default_detail = _("文件不存在：存储中找不到该文件，请联系系统管理员。")
    default_code = "file_missing"


def verified_response(
    sha256: str,
    *,
    obj,
    filename: str,
    content_type: str,
    what: str,
    as_attachment: bool = True,
    audit: bool = True,
) -> FileResponse:
    """A streaming response for the blob ``sha256`` after checking its hash.

    ``what`` names the file in the audit messages (e.g. "文书 PDF （武）应急检〔2026〕1号"): a download
    is recorded as an export unless ``audit`` is false (thumbnails); a refusal is always recorded.
    """
    try:
        handle = storage.blob_path(sha256).open("rb")
    except (FileNotFoundError, ValueError) as exc:
        record(
            AuditAction.SYSTEM,
            obj,
            after={"sha256": sha256},
            message=f"下载失败：{what} 的文件不存在",
        )
        raise FileMissing() from exc
    digest = hashlib.sha256()
    while chunk := handle.read(storage.CHUNK):
        digest.update(chunk)
    if digest.hexdigest() != sha256:
        handle.close()
        record(
            AuditAction.SYSTEM,
            obj,
            after={"expected": sha256, "actual": digest.hexdigest()},
            message=f"完整性校验失败，拒绝下载：{what}",
        )
        raise IntegrityFailure()
    handle.seek(0)
    if audit:
        record(AuditAction.EXPORT, obj, after={"sha256": sha256, "filename": filename}, message=f"下载{what}")
    return FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
