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


# --- Signatures: audit anchors and archive manifests -------------------------------------------
#
# GB/T 39786-2021 prefers SM2 signatures, which ``cryptography`` does not implement; Ed25519 stands in.
# Every signature carries its algorithm name and the signing key's fingerprint, and nothing outside
# these functions touches a key, so an SM2 device or KMS can take over by implementing ``sign`` and
# ``verify_signature`` for ``SM2`` (anchors and manifests already signed stay verifiable by name).

ED25519 = "ed25519"
SM2 = "sm2"
SIGNATURE_ALGORITHM = ED25519


class SigningKeyError(RuntimeError):
    """The audit signing key or a public key given to verify cannot be read (message in Chinese)."""


def _signing_key_path():
    from django.conf import settings

    return settings.DATA_DIR / "keys" / "audit-signing.key"


def _load_private_key(text: str, origin: str):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = load_pem_private_key(text.encode("ascii"), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text))
    except (ValueError, TypeError, UnicodeError) as exc:
        raise SigningKeyError(
            f"审计签名密钥（{origin}）无法读取：应为 Ed25519 私钥的 PEM（PKCS#8）或 64 位十六进制种子"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"审计签名密钥（{origin}）不是 Ed25519 私钥")
    return key


def _write_new_signing_key(path) -> None:
    import os

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())


def signing_key():
    """The audit signing key: ``ZHIFA_AUDIT_SIGNING_KEY`` (or ``_FILE``), else one generated once.

    The generated key lives at ``DATA_DIR/keys/audit-signing.key`` (file 0600, directory 0700).
    """
    from django.conf import settings

    configured = getattr(settings, "ZHIFA_AUDIT_SIGNING_KEY", "")
    if configured:
        return _load_private_key(configured, "ZHIFA_AUDIT_SIGNING_KEY")
    path = _signing_key_path()
    if not path.exists():
        _write_new_signing_key(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeError) as exc:
        raise SigningKeyError(f"审计签名密钥文件 {path} 无法读取：{exc}") from exc
    return _load_private_key(text, str(path))


def _public_bytes(public_key) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_pem() -> str:
    """The public half of the audit signing key (SubjectPublicKeyInfo PEM), to hand to verifiers."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return signing_key().public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(text: str, origin: str = "公钥"):
    """A verifier's own copy of the public key (PEM), so it need not trust the server's key file."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(text.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeError) as exc:
        raise SigningKeyError(
            f"{origin} 无法读取：应为 Ed25519 公钥的 PEM（由 zhifa audit public-key 输出）"
        ) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{origin} 不是 Ed25519 公钥")
    return key


def key_id(public_key) -> str:
    """A short fingerprint of a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return sha256_hex(_public_bytes(public_key))[:16]


def signer_info() -> dict[str, str]:
    """What a signature will name: the algorithm and the signing key's fingerprint (both signed too)."""
    return {"signature_algorithm": SIGNATURE_ALGORITHM, "key_id": key_id(signing_key().public_key())}


def sign(data: bytes) -> dict[str, str]:
    """Sign ``data`` with the audit signing key: algorithm, key fingerprint and base64 signature."""
    import base64

    key = signing_key()
    return {
        "signature_algorithm": SIGNATURE_ALGORITHM,
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(key.sign(data)).decode("ascii"),
    }


def verify_signature(data: bytes, signature: str, algorithm: str, public_key=None) -> bool:
    """True when ``signature`` (base64) over ``data`` is valid for ``public_key`` (default: ours)."""
    import base64
    import binascii

    from cryptography.exceptions import InvalidSignature

    if algorithm != ED25519:
        return False
    if public_key is None:
        public_key = signing_key().public_key()
    try:
        public_key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True
