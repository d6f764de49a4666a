"""The seal's keys (印章密钥): where they live, how the demo makes them, how they are loaded.

Keys are never stored in the database, shown on a page or written to a log. A seal row keeps a
*reference* (`key_ref`) and the public parts (certificate, CA certificate, SM2 public key). The
reference names files in the key directory `SHENGUAN_SEAL_KEY_DIR` (default `var/seals/`,
mode 0700, on the application hosts only):

    <ref>.p12   the PKCS#12 archive (signing key + certificate), encrypted with a passphrase
    <ref>.pass  the passphrase (demo only; production sets SHENGUAN_SEAL_PASSPHRASE instead)
    <ref>.sm2   the SM2 private key as 64 hex digits (mode 0600)

A reference starting with `pkcs11:` names a token (PKCS#11 URI); this build refuses it with a
clear message (ADR 0039): a production HSM needs pyHanko's PKCS#11 signer and a vendor module.

`demo_pki()` makes a local CA and the bureau's certificate (ECDSA P-256, 3 years) and an SM2
key pair on first run; nothing of it is committed.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from shenguan.core.errors import DomainError

# SM2 recommended curve (GB/T 32918.5-2017) order, for drawing private keys.
SM2_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


class KeyUnavailable(DomainError):
    """The seal's key cannot be loaded (missing file, wrong passphrase, token not supported)."""

    status = 409


def key_dir() -> Path:
    """The directory of the seal keys (created 0700 on first use)."""
    d = Path(getattr(settings, "SHENGUAN_SEAL_KEY_DIR", "") or settings.VAR_DIR / "seals")
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


@dataclass(frozen=True)
class DemoPki:
    """The public parts of a freshly made key set (the private parts stay in files)."""

    key_ref: str
    ca_pem: str
    cert_pem: str
    sm2_public: str


def sm2_keypair() -> tuple[str, str]:
    """A new SM2 key pair: (private 64 hex digits, public 128 hex digits x||y)."""
    from gmssl import sm2

    d = secrets.randbelow(SM2_N - 2) + 1
    priv = f"{d:064x}"
    crypt = sm2.CryptSM2(private_key=priv, public_key="")
    pub = crypt._kg(d, sm2.default_ecc_table["g"])
    return priv, pub


def _fit(text: str, max_bytes: int = 64) -> str:
    """Cut a name to the 64 UTF-8 bytes X.509 allows in O, CN and L (a Chinese character
    takes three)."""
    out = ""
    for ch in text:
        if len((out + ch).encode()) > max_bytes:
            break
        out += ch
    return out


def demo_pki(*, key_ref: str, organisation: str, region: str = "") -> DemoPki:
    """Make a local CA, the seal's signing certificate in a PKCS#12 archive and an SM2 key
    pair under `key_ref` in the key directory (demo and tests; production imports its own)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(f"{_fit(organisation, 46)} 演示根证书")),
        ]
    )
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            *([x509.NameAttribute(NameOID.LOCALITY_NAME, _fit(region))] if region else []),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)),
            x509.NameAttribute(
                NameOID.COMMON_NAME, _fit(f"{_fit(organisation, 40)} 行政审批专用章")
            ),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    passphrase = secrets.token_urlsafe(24).encode()
    p12 = pkcs12.serialize_key_and_certificates(
        name=b"seal",
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )
    d = key_dir()
    _write_secret(d / f"{key_ref}.p12", p12)
    _write_secret(d / f"{key_ref}.pass", passphrase)
    sm2_priv, sm2_pub = sm2_keypair()
    _write_secret(d / f"{key_ref}.sm2", sm2_priv.encode())
    pem = serialization.Encoding.PEM
    return DemoPki(
        key_ref=key_ref,
        ca_pem=ca_cert.public_bytes(pem).decode(),
        cert_pem=cert.public_bytes(pem).decode(),
        sm2_public=sm2_pub,
    )


def has_keys(key_ref: str) -> bool:
    """True when the key files of a reference exist on this host."""
    if key_ref.startswith("pkcs11:"):
        return False
    d = key_dir()
    return (d / f"{key_ref}.p12").is_file() and (d / f"{key_ref}.sm2").is_file()


def _check_ref(key_ref: str) -> None:
    if key_ref.startswith("pkcs11:"):
        raise KeyUnavailable(
            "pkcs11_unsupported", "本部署未配置 PKCS#11 密码设备，无法使用该印章签章", "key_ref"
        )
    if not key_ref or "/" in key_ref or "\\" in key_ref or key_ref.startswith("."):
        raise KeyUnavailable("bad_key_ref", "印章密钥引用无效", "key_ref")


_lock = threading.Lock()
_signers: dict[tuple[str, float], object] = {}
_sm2: dict[tuple[str, float], str] = {}


def pades_signer(key_ref: str):
    """The pyHanko signer of a seal, loaded once per process (and again if the file changes)."""
    from pyhanko.sign import signers

    _check_ref(key_ref)
    path = key_dir() / f"{key_ref}.p12"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise KeyUnavailable(
            "key_missing", "印章签名密钥文件不存在，请联系安全管理员", "key_ref"
        ) from None
    with _lock:
        signer = _signers.get((key_ref, mtime))
        if signer is None:
            env = os.environ.get("SHENGUAN_SEAL_PASSPHRASE")
            pass_file = path.with_suffix(".pass")
            if env:
                passphrase = env.encode()
            elif pass_file.is_file():
                passphrase = pass_file.read_bytes().strip()
            else:
                passphrase = None
            try:
                signer = signers.SimpleSigner.load_pkcs12_data(
                    path.read_bytes(), other_certs=[], passphrase=passphrase
                )
            except ValueError:
                raise KeyUnavailable(
                    "key_unreadable", "印章签名密钥无法读取（口令错误或文件损坏）", "key_ref"
                ) from None
            _signers[(key_ref, mtime)] = signer
        return signer


def sm2_private(key_ref: str) -> str:
    """The SM2 private key of a seal (hex), read once per process."""
    _check_ref(key_ref)
    path = key_dir() / f"{key_ref}.sm2"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise KeyUnavailable(
            "key_missing", "印章 SM2 密钥文件不存在，请联系安全管理员", "key_ref"
        ) from None
    with _lock:
        priv = _sm2.get((key_ref, mtime))
        if priv is None:
            priv = path.read_text().strip()
            if len(priv) != 64:
                raise KeyUnavailable("key_unreadable", "印章 SM2 密钥格式错误", "key_ref")
            _sm2[(key_ref, mtime)] = priv
        return priv
