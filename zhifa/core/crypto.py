"""Every cryptographic call of Zhifa goes through this module.

Keeping them in one small place lets a certified cryptographic device or KMS replace the software
implementation without touching callers (GB/T 39786-2021 expects SM-series algorithms; Python's
hashlib offers SM3 where the linked OpenSSL provides it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

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
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    pem = Ed25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    create_private_file(path, pem)


def create_private_file(path, content: bytes) -> None:
    """Write a generated key once: directory 0700, file 0600, never over an existing file.

    Several processes may start at once (gunicorn's workers each read the settings): the first to create
    the file wins and the others read its key.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def signing_key(create: bool = True):
    """The audit signing key: ``ZHIFA_AUDIT_SIGNING_KEY`` (or ``_FILE``), else one generated once.

    The generated key lives at ``DATA_DIR/keys/audit-signing.key`` (file 0600, directory 0700).
    Verifying (``create=False``) never makes one: a lost key must show, not be silently replaced.
    """
    from django.conf import settings

    configured = getattr(settings, "ZHIFA_AUDIT_SIGNING_KEY", "")
    if configured:
        return _load_private_key(configured, "ZHIFA_AUDIT_SIGNING_KEY")
    path = _signing_key_path()
    if not path.exists():
        if not create:
            raise SigningKeyError(
                f"审计签名密钥 {path} 不存在（也未设置 ZHIFA_AUDIT_SIGNING_KEY）：无法核对签名；"
                "请用 --public-key 给出公钥"
            )
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
        public_key = signing_key(create=False).public_key()
    try:
        public_key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


# --- Personal data at rest: SM4-GCM and keyed search hashes ----------------------------------------
#
# A stored value reads ``sm4gcm:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``. The key id (the first 8
# hex digits of the key's fingerprint) names the key that encrypted it, so a new key can be brought in
# while rows written under the old one still read (``ZHIFA_DATA_KEY_RETIRED``) until ``zhifa
# personal-data rekey`` has rewritten them. Search hashes are HMACs (SM3 where available) under a key
# derived from the data key, over the normalised value: equal values hash equal, nothing else leaks.

CIPHER_PREFIX = "sm4gcm"
DATA_KEY_BYTES = 16  # SM4 keys are 128 bits
_NONCE_BYTES = 12
_TAG_BYTES = 16


class DataKeyError(RuntimeError):
    """The data-encryption key is missing, malformed, or not the one a stored value was written with."""


def _parse_key(value: str, origin: str) -> bytes:
    text = value.strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != DATA_KEY_BYTES:
        raise DataKeyError(
            f"{origin} 不是有效的数据加密密钥：应为 {DATA_KEY_BYTES * 2} 位十六进制数（SM4，128 位）"
        )
    return key


def load_data_key(data_dir: Path, environ_value: str | None) -> tuple[str, str]:
    """The data key (hex) and where it came from: the environment or a file (created once if absent).

    Called from settings. ``environ_value`` is ``ZHIFA_DATA_KEY`` as read by ``zhifa.core.env`` (which
    already follows ``ZHIFA_DATA_KEY_FILE``); without it a random key is created once at
    ``DATA_DIR/keys/data.key`` (directory 0700, file 0600), like the secret key of a single-machine install.
    """
    if environ_value:
        file_name = os.environ.get("ZHIFA_DATA_KEY_FILE")
        origin = file_name or "env"
        _parse_key(environ_value, "ZHIFA_DATA_KEY_FILE" if file_name else "ZHIFA_DATA_KEY")
        return environ_value.strip().lower(), origin
    path = data_dir / "keys" / "data.key"
    if not path.exists():
        create_private_file(path, (secrets.token_hex(DATA_KEY_BYTES) + "\n").encode("ascii"))
    path.chmod(0o600)
    value = path.read_text(encoding="utf-8")
    _parse_key(value, str(path))
    return value.strip().lower(), str(path)


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _keyring(primary: str, retired: tuple[str, ...]) -> tuple[bytes, dict[str, bytes]]:
    current = _parse_key(primary, "ZHIFA_DATA_KEY")
    ring = {_key_id(current): current}
    for index, value in enumerate(retired):
        old = _parse_key(value, f"ZHIFA_DATA_KEY_RETIRED 第 {index + 1} 项")
        ring.setdefault(_key_id(old), old)
    return current, ring


def _keys() -> tuple[bytes, dict[str, bytes]]:
    from django.conf import settings

    primary = getattr(settings, "ZHIFA_DATA_KEY", "")
    if not primary:
        raise DataKeyError("未配置数据加密密钥（ZHIFA_DATA_KEY）")
    return _keyring(primary, tuple(getattr(settings, "ZHIFA_DATA_KEY_RETIRED", ()) or ()))


def data_key_fingerprint() -> str:
    """SHA-256 of the current data key, hex, first 16: recorded by backups, checked on restore."""
    current, _ = _keys()
    return hashlib.sha256(current).hexdigest()[:16]


def data_key_id() -> str:
    """The id written into every value encrypted now (first 8 hex digits of the fingerprint)."""
    return _key_id(_keys()[0])


def is_ciphertext(value: str) -> bool:
    return isinstance(value, str) and value.startswith(CIPHER_PREFIX + ":")


def ciphertext_length(plaintext_chars: int) -> int:
    """The longest stored form of a value of up to ``plaintext_chars`` characters (UTF-8, 4 bytes each)."""
    payload = _NONCE_BYTES + 4 * plaintext_chars + _TAG_BYTES
    return len(CIPHER_PREFIX) + 1 + 8 + 1 + 4 * ((payload + 2) // 3)


def encrypt(plaintext: str) -> str:
    """SM4-GCM under the current data key with a fresh random nonce."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key, _ = _keys()
    nonce = os.urandom(_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    blob = base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode("ascii")
    return f"{CIPHER_PREFIX}:{_key_id(key)}:{blob}"


def decrypt(stored: str) -> str:
    """The plaintext of ``encrypt``'s output; ``DataKeyError`` (never garbage) when it cannot be read."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    prefix, _, rest = stored.partition(":")
    key_id, _, blob = rest.partition(":")
    if prefix != CIPHER_PREFIX or not key_id or not blob:
        raise DataKeyError("存储的个人信息不是本系统的密文格式（应以 sm4gcm: 开头），无法解密")
    _, ring = _keys()
    key = ring.get(key_id)
    if key is None:
        raise DataKeyError(
            f"个人信息由密钥 {key_id} 加密，当前未配置该密钥：请设置正确的 ZHIFA_DATA_KEY，"
            "或把旧密钥列入 ZHIFA_DATA_KEY_RETIRED 后运行 zhifa personal_data rekey"
        )
    try:
        raw = base64.urlsafe_b64decode(blob.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise DataKeyError("个人信息密文已损坏（不是有效的 base64）") from exc
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise DataKeyError("个人信息密文已损坏（长度不足）")
    nonce, body, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        plain = decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise DataKeyError(f"个人信息密文校验失败：密钥 {key_id} 与密文不符，或密文被篡改") from exc
    return plain.decode("utf-8")


#: Kinds of searchable values and how each is normalised before hashing.
HASH_ID_NUMBER = "id_number"  # resident ID numbers and credit codes: no spaces, upper case
HASH_PHONE = "phone"  # phone numbers: digits only (0519-86301234 and 051986301234 match)


def normalize_for_hash(kind: str, value: str) -> str:
    text = "".join(str(value).split())
    if kind == HASH_PHONE:
        return "".join(ch for ch in text if ch.isdigit())
    if kind == HASH_ID_NUMBER:
        return text.upper()
    raise ValueError(f"unknown search-hash kind: {kind}")


SEARCH_HASH_ALGORITHM = SM3 if _has(SM3) else SHA256


def search_hash(kind: str, value: str) -> str:
    """Keyed hash (HMAC-SM3, else HMAC-SHA-256) of the normalised value, for exact-match search."""
    current, _ = _keys()
    derived = hmac.new(current, b"zhifa/search-hash/v1", hashlib.sha256).digest()
    message = f"{kind}:{normalize_for_hash(kind, value)}".encode()
    return hmac.new(derived, message, SEARCH_HASH_ALGORITHM).hexdigest()
