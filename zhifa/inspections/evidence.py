"""Evidence uploads: photos, recordings, videos and documents taken in the field (执法全过程记录).

A file is accepted by what its bytes are, never by its name or the browser's declared type: the
``filetype`` package reads the leading bytes, the result must be one of the allowed formats and match
the kind the officer chose. The bytes go to the content-addressed store (``zhifa.core.storage``): the
SHA-256 names the file, nothing is overwritten, and the hash is written into the audit chain, so a
served file can be checked against the record at any later time. Photos get a 320-px JPEG thumbnail,
stored as its own blob; the original is never altered.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import BinaryIO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from zhifa.core import storage
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction
from zhifa.inspections.choices import EvidenceKind
from zhifa.inspections.models import Evidence, Hazard, Inspection, ReInspection
from zhifa.orgs.choices import EquipmentKind
from zhifa.orgs.models import Equipment

#: Sniffed MIME types accepted per kind, with the names officers know them by.
ALLOWED: dict[str, dict[str, str]] = {
    EvidenceKind.PHOTO: {
        "image/jpeg": "JPEG",
        "image/png": "PNG",
        "image/heic": "HEIC",
        "image/webp": "WebP",
    },
    EvidenceKind.AUDIO: {"audio/mpeg": "MP3", "audio/mp4": "M4A", "audio/amr": "AMR", "audio/x-wav": "WAV"},
    EvidenceKind.VIDEO: {"video/mp4": "MP4", "video/quicktime": "MOV", "video/3gpp": "3GP"},
    EvidenceKind.DOCUMENT: {"application/pdf": "PDF"},
}
KIND_OF = {mime: kind for kind, mimes in ALLOWED.items() for mime in mimes}

THUMBNAIL_PX = 320
#: Bytes read to recognise a format (filetype looks at no more than this).
SNIFF_BYTES = 8192

#: What the upload field's help text says is accepted.
ACCEPTED_HELP = gettext_lazy("照片 JPEG/PNG/HEIC/WebP，录音 MP3/M4A/AMR/WAV，视频 MP4/MOV/3GP，书证 PDF")


class EvidenceRejected(ValidationError):
    """The file was refused; the message names it and says why, in Chinese."""


def max_bytes(kind: str) -> int:
    """The size limit of ``kind`` (settings ``ZHIFA_EVIDENCE_MAX_MB_PHOTO`` and so on, in MB)."""
    return int(float(getattr(settings, f"ZHIFA_EVIDENCE_MAX_MB_{kind.upper()}")) * 1024 * 1024)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:g}"


@dataclass(frozen=True)
class Target:
    """What the evidence is attached to, and the board whose jurisdiction it falls in."""

    inspection: Inspection | None
    hazard: Hazard | None
    reinspection: ReInspection | None

    @property
    def board_id(self) -> int:
        boards = {o.board_id for o in (self.inspection, self.hazard, self.reinspection) if o is not None}
        if len(boards) != 1:
            raise ValidationError(_("证据必须归属于同一板块的一次检查、一项隐患或一次复查"))
        return boards.pop()


def sniff(fileobj: BinaryIO) -> str | None:
    """The MIME type the content shows (None when unrecognised); the stream is rewound."""
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    guess = filetype.guess(head) if head else None
    return guess.mime if guess else None


def check(fileobj: BinaryIO, name: str, kind: str) -> str:
    """Refuse a file whose content is not an allowed format of ``kind``; returns the sniffed type."""
    if kind not in ALLOWED:
        raise EvidenceRejected(_("证据类别“%(kind)s”无效") % {"kind": kind})
    size = getattr(fileobj, "size", None)
    limit = max_bytes(kind)
    if size is not None and size > limit:
        raise EvidenceRejected(
            _("文件“%(name)s”大小 %(size)s MB，超过%(kind)s的上限 %(limit)s MB")
            % {"name": name, "size": _mb(size), "kind": EvidenceKind(kind).label, "limit": _mb(limit)}
        )
    mime = sniff(fileobj)
    if mime not in KIND_OF:
        raise EvidenceRejected(
            _("文件“%(name)s”的内容不是允许的格式（%(allowed)s），未上传")
            % {"name": name, "allowed": ACCEPTED_HELP}
        )
    if KIND_OF[mime] != kind:
        raise EvidenceRejected(
            _("文件“%(name)s”的内容是%(actual)s（%(format)s），与所选类别“%(kind)s”不符，未上传")
            % {
                "name": name,
                "actual": EvidenceKind(KIND_OF[mime]).label,
                "format": ALLOWED[KIND_OF[mime]][mime],
                "kind": EvidenceKind(kind).label,
            }
        )
    return mime


def make_thumbnail(sha256: str) -> str:
    """A JPEG at most 320 px on its longer side, upright per the EXIF orientation; "" when not decodable
    (HEIC without a decoder, a damaged file, an image too large to decode safely)."""
    try:
        with Image.open(storage.blob_path(sha256)) as image:
            image.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))  # JPEG: decode at reduced scale
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            if upright.mode != "RGB":
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return ""
    return storage.put_bytes(out.getvalue())


def _check_recorder(recorder: Equipment | None, board_id: int) -> None:
    if recorder is None:
        return
    if recorder.kind != EquipmentKind.RECORDER or recorder.unit_id != board_id:
        raise ValidationError({"recorder": _("所选设备不是本板块的执法记录仪")})


def add_evidence(
    fileobj: BinaryIO,
    *,
    kind: str,
    user,
    inspection: Inspection | None = None,
    hazard: Hazard | None = None,
    reinspection: ReInspection | None = None,
    recorder: Equipment | None = None,
    description: str = "",
    captured_at=None,
) -> Evidence:
    """Check, store and record one file. Raises ``EvidenceRejected`` (a ValidationError) naming the file."""
    if hazard is not None and inspection is None:
        inspection = hazard.inspection  # a hazard's photo is also evidence of the inspection that found it
    target = Target(inspection, hazard, reinspection)
    board_id = target.board_id
    _check_recorder(recorder, board_id)
    name = os.path.basename(getattr(fileobj, "name", "") or "")[:200] or _("未命名文件")
    mime = check(fileobj, name, kind)
    try:
        sha256, size = storage.put_stream(fileobj, max_bytes=max_bytes(kind))
    except storage.BlobTooLarge as exc:
        raise EvidenceRejected(
            _("文件“%(name)s”超过%(kind)s的上限 %(limit)s MB")
            % {"name": name, "kind": EvidenceKind(kind).label, "limit": _mb(max_bytes(kind))}
        ) from exc
    thumbnail = make_thumbnail(sha256) if kind == EvidenceKind.PHOTO else ""
    with transaction.atomic():
        evidence = Evidence.objects.create(
            board_id=board_id,
            inspection=inspection,
            hazard=hazard,
            reinspection=reinspection,
            kind=kind,
            sha256=sha256,
            size=size,
            content_type=mime,
            original_name=name,
            has_thumbnail=bool(thumbnail),
            thumbnail_sha256=thumbnail,
            recorder=recorder,
            captured_at=captured_at,
            description=description.strip()[:200],
            uploaded_by=user,
        )
        record(
            AuditAction.CREATE,
            evidence,
            after={"sha256": sha256, "size": size, "content_type": mime, "thumbnail_sha256": thumbnail},
            message=f"上传证据“{name}”，SHA-256 {sha256}",
            user=user,
        )
    return evidence


def open_verified(sha256: str) -> BinaryIO | None:
    """The stored file opened for reading, or None when it is missing or no longer hashes to its name."""
    if not storage.verify(sha256):
        return None
    return storage.blob_path(sha256).open("rb")
