"""Content-addressed file storage under ZHIFA_DATA_DIR/blobs: a file is named by its SHA-256.

A blob is written once to a temporary file in the same directory and renamed into place; an existing
blob is never overwritten (the same content already lies there). Evidence and issued documents both
store their bytes here, so a stored hash always names exactly the bytes on disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1024 * 1024


class BlobTooLarge(ValueError):
    pass


def root() -> Path:
    path = Path(settings.DATA_DIR) / "blobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return root() / sha256[:2] / sha256[2:4] / sha256


def _place(tmp_name: str, sha256: str) -> None:
    final = blob_path(sha256)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        os.unlink(tmp_name)
        return
    os.chmod(tmp_name, 0o440)
    os.replace(tmp_name, final)


def put_bytes(data: bytes) -> str:
    sha256 = hashlib.sha256(data).hexdigest()
    if blob_path(sha256).exists():
        return sha256
    fd, tmp_name = tempfile.mkstemp(dir=root(), prefix=".incoming-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    _place(tmp_name, sha256)
    return sha256


def put_stream(stream: BinaryIO, max_bytes: int | None = None) -> tuple[str, int]:
    """Store a stream, hashing while writing; returns (sha256, size). Raises BlobTooLarge past max_bytes."""
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=root(), prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise BlobTooLarge(size)
                digest.update(chunk)
                fh.write(chunk)
    except BaseException:
        os.unlink(tmp_name)
        raise
    sha256 = digest.hexdigest()
    _place(tmp_name, sha256)
    return sha256, size


def read_bytes(sha256: str) -> bytes:
    return blob_path(sha256).read_bytes()


def verify(sha256: str) -> bool:
    """Whether the stored bytes still hash to their name."""
    path = blob_path(sha256)
    if not path.exists():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == sha256
