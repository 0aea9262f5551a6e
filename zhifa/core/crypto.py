"""Every cryptographic call of Zhifa goes through this module.

Keeping them in one small place lets a certified cryptographic device or KMS replace the software
implementation without touching callers (GB/T 39786-2021 expects SM-series algorithms; Python's
hashlib offers SM3 where the linked OpenSSL provides it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SM3 = "sm3"
SHA256 = "sha256"


def _has(algorithm: str) -> bool:
    try:
        hashlib.new(algorithm)
    except (ValueError, TypeError):
        return False
    return True


#: The chain digest for new rows. Each audit row stores the algorithm it used, so a chain written on
#: a machine with SM3 still verifies row by row after a move, and vice versa.
CHAIN_ALGORITHM = SM3 if _has(SM3) else SHA256


def hexdigest(data: bytes, algorithm: str = CHAIN_ALGORITHM) -> str:
    if algorithm not in (SM3, SHA256):
        raise ValueError(f"unsupported digest algorithm: {algorithm}")
    return hashlib.new(algorithm, data).hexdigest()


def sha256_hex(data: bytes) -> str:
    """Content addressing and published document hashes use SHA-256, which every reader can check."""
    return hashlib.sha256(data).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def random_token(nbytes: int = 32) -> str:
    return secrets.token_hex(nbytes)
