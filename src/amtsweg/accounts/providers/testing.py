"""Test helpers: start the real identity providers of tests/idp in a second process.

Used by tests/test_login_providers_e2e.py and the browser journey; not imported by the application.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

IDP_DIR = Path(settings.PROJECT_DIR) / "tests" / "idp"
XMLSEC = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
XMLSEC_MISSING = "xmlsec1 nicht installiert – SAML-Tests übersprungen (apt-get install xmlsec1)"


def xmlsec_available() -> bool:
    return Path(XMLSEC).exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Identitätsanbieter beendet (Code {process.returncode}):\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Identitätsanbieter nicht erreichbar auf Port {port}:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def running(args: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """Run a server process until the block ends; waits until it accepts connections."""
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own test servers
            args, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT, cwd=IDP_DIR
        )
    try:
        _wait_for_port(port, process, log)
        yield
    finally:
        _stop(process)


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def key_and_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A fresh RSA key and a self-signed certificate for it, as PEM files in ``folder``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(_pem_key(key))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


@dataclass(frozen=True)
class OidcProviderInfo:
    base: str
    client_id: str
    client_secret: str

    def configure(self, django_settings: Any) -> None:
        """Switch our OIDC plugin on and point it at this provider."""
        django_settings.AMTSWEG_OIDC_ENABLED = True
        django_settings.OIDC_RP_CLIENT_ID = self.client_id
        django_settings.OIDC_RP_CLIENT_SECRET = self.client_secret
        django_settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{self.base}/o/authorize/"
        django_settings.OIDC_OP_TOKEN_ENDPOINT = f"{self.base}/o/token/"
        django_settings.OIDC_OP_USER_ENDPOINT = f"{self.base}/o/userinfo/"
        django_settings.OIDC_OP_JWKS_ENDPOINT = f"{self.base}/o/.well-known/jwks.json"


@contextmanager
def oidc_provider(
    folder: Path, users: dict[str, Any], redirect_uris: list[str]
) -> Iterator[OidcProviderInfo]:
    """django-oauth-toolkit as OpenID Connect provider (tests/idp/oidc_provider), one confidential client."""
    key_file = folder / "rsa.pem"
    key_file.write_bytes(_pem_key(rsa.generate_private_key(public_exponent=65537, key_size=2048)))
    port = free_port()
    info = OidcProviderInfo(f"http://127.0.0.1:{port}", "amtsweg-test", "geheim-" + "s" * 40)
    config = {
        "port": port,
        "database": str(folder / "idp.sqlite3"),
        "rsa_key_file": str(key_file),
        "users": users,
        "client": {
            "id": info.client_id,
            "secret": info.client_secret,
            "redirect_uri": " ".join(redirect_uris),
        },
    }
    config_file = folder / "oidc-config.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    env = {
        "IDP_CONFIG": str(config_file),
        "PYTHONPATH": str(IDP_DIR),
        "DJANGO_SETTINGS_MODULE": "oidc_provider.settings",
    }
    with running([sys.executable, "-m", "oidc_provider.serve"], env, port, folder / "oidc.log"):
        yield info


@dataclass(frozen=True)
class SamlIdpInfo:
    base: str
    folder: Path
    metadata_file: Path
    sp_metadata_file: Path

    def configure(self, django_settings: Any) -> None:
        """Switch our DeutschlandID plugin on with a fresh SP key, trusting this IdP's metadata."""
        key_file, cert_file = self.folder / "sp.key", self.folder / "sp.crt"
        if not key_file.exists():
            key_and_certificate(self.folder, "sp")
        django_settings.AMTSWEG_SAML_ENABLED = True
        django_settings.AMTSWEG_SAML_SP_KEY_FILE = str(key_file)
        django_settings.AMTSWEG_SAML_SP_CERT_FILE = str(cert_file)
        django_settings.AMTSWEG_SAML_IDP_METADATA_FILE = str(self.metadata_file)
        django_settings.AMTSWEG_SAML_XMLSEC_BINARY = XMLSEC

    def trust_sp(self, sp_metadata: bytes) -> None:
        """Metadata exchange: the IdP reads our SP metadata from this file on each request."""
        self.sp_metadata_file.write_bytes(sp_metadata)


@contextmanager
def saml_idp(folder: Path, users: dict[str, Any]) -> Iterator[SamlIdpInfo]:
    """The pysaml2 identity provider of tests/idp/saml_idp with a fresh key and certificate."""
    key_file, cert_file = key_and_certificate(folder, "idp")
    port = free_port()
    info = SamlIdpInfo(
        f"http://127.0.0.1:{port}", folder, folder / "idp-metadata.xml", folder / "sp-metadata.xml"
    )
    config = {
        "port": port,
        "entity_id": f"{info.base}/metadata",
        "xmlsec_binary": XMLSEC,
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "metadata_file": str(info.metadata_file),
        "sp_metadata_file": str(info.sp_metadata_file),
        "users": users,
    }
    config_file = folder / "saml-config.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    script = str(IDP_DIR / "saml_idp" / "app.py")
    with running([sys.executable, script, str(config_file)], {}, port, folder / "saml.log"):
        yield info
