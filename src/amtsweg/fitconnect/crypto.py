"""The cryptography of FIT-Connect: key pairs, JWE (RSA-OAEP-256 + A256GCM), SETs (PS512), hashes, HMAC.

Everything goes through ``jwcrypto`` (the JOSE library the project chose, see BRIEF.md) and
``cryptography``. Private keys are kept in the database only encrypted (:func:`seal`/:func:`unseal`, the
project's ``core.sealed`` under ``AMTSWEG_SECRETS_KEYS``); a private key is never written anywhere else,
never logged and never shown.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from jwcrypto import jwe, jwk, jws, jwt
from jwcrypto.common import JWException

from amtsweg.core import sealed

ENCRYPTION_ALG = "RSA-OAEP-256"
CONTENT_ENC = "A256GCM"
SIGNING_ALG = "PS512"
KEY_BITS = 4096
SET_TYPE = "secevent+jwt"


class CryptoError(Exception):
    """A JWE could not be decrypted or a signature did not verify (the message says why, in German)."""


# ---- private keys at rest --------------------------------------------------------------------------
# One mechanism for every secret Amtsweg stores (decision 0016): ``core.sealed``, Fernet under the keys of
# ``AMTSWEG_SECRETS_KEYS`` (the first encrypts, all decrypt: rotation without loss). Until migration
# ``fitconnect.0003`` FIT-Connect had its own key (``AMTSWEG_FITCONNECT_KEY_SECRET``); the migration
# re-encrypts what was stored with it (:func:`legacy_unseal`).

LEGACY_SALT = b"amtsweg-fitconnect-keys"


def seal(plain: str) -> str:
    """Encrypt a secret (a private JWK, a client secret) for the database."""
    return sealed.seal(plain)


def unseal(token: str) -> str:
    """Decrypt what :func:`seal` stored; keys that do not fit give a clear German error."""
    try:
        return sealed.unseal(token)
    except sealed.SecretUnreadable as error:
        raise ImproperlyConfigured(
            "Ein gespeicherter FIT-Connect-Schlüssel lässt sich nicht entschlüsseln: keiner der Schlüssel "
            "in AMTSWEG_SECRETS_KEYS passt (ein alter Schlüssel muss in der Liste bleiben, bis alles neu "
            "gespeichert ist)."
        ) from error


def legacy_unseal(token: str, secret: str) -> str | None:
    """What the former FIT-Connect-only sealing (HKDF-SHA256 of ``AMTSWEG_FITCONNECT_KEY_SECRET`` →
    Fernet) stored, or ``None`` when ``token`` was not sealed that way with ``secret``."""
    if not token or not secret:
        return None
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=LEGACY_SALT, info=b"fernet").derive(secret.encode())
    try:
        return Fernet(base64.urlsafe_b64encode(key)).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


# ---- key pairs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPair:
    kid: str
    public: dict[str, Any]  # the JWK FIT-Connect publishes (with x5c)
    private_json: str  # the private JWK as JSON – to be sealed at once


def _self_signed(private: rsa.RSAPrivateKey, common_name: str) -> str:
    short = common_name.encode()[:64].decode(errors="ignore") or "Amtsweg"
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, short)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=730))
        .sign(private, hashes.SHA512())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def key_pair_generate(purpose: str, *, common_name: str = "Amtsweg", bits: int = KEY_BITS) -> KeyPair:
    """A new RSA key pair for ``purpose`` ``"encryption"`` (RSA-OAEP-256, wrapKey) or ``"signing"``
    (PS512, verify). The public JWK carries a self-signed certificate in ``x5c`` as the FIT-Connect test
    environment accepts; production needs a certificate of the Verwaltungs-PKI (docs/fitconnect.md)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    kid = str(uuid.uuid4())
    key = jwk.JWK.from_pyca(private)
    alg, ops_public, ops_private = (
        (ENCRYPTION_ALG, ["wrapKey"], ["unwrapKey"])
        if purpose == "encryption"
        else (SIGNING_ALG, ["verify"], ["sign"])
    )
    public = json.loads(key.export_public())
    public.update(
        {"kid": kid, "alg": alg, "key_ops": ops_public, "x5c": [_self_signed(private, common_name)]}
    )
    private_jwk = json.loads(key.export_private())
    private_jwk.update({"kid": kid, "alg": alg, "key_ops": ops_private})
    return KeyPair(kid=kid, public=public, private_json=json.dumps(private_jwk))


def _jwk(data: dict[str, Any] | str) -> jwk.JWK:
    if isinstance(data, str):
        return _private_jwk(data)
    raw = dict(data)
    raw.pop("x5c", None)
    raw.pop("key_ops", None)  # jwcrypto checks ops strictly; FIT-Connect's names (wrapKey) differ per side
    return jwk.JWK(**raw)


@functools.lru_cache(maxsize=32)
def _private_jwk(private_json: str) -> jwk.JWK:
    """A private key, loaded once per process: loading an RSA-4096 key checks it, which takes longer than
    the decryption itself (about a second on a busy machine)."""
    raw = json.loads(private_json)
    raw.pop("key_ops", None)
    key = jwk.JWK(**raw)
    key.get_op_key("unwrapKey" if raw.get("alg") == ENCRYPTION_ALG else "sign")  # load and check it now
    return key


# ---- JWE -------------------------------------------------------------------------------------------


def encrypt(payload: bytes, public_jwk: dict[str, Any], *, content_type: str = "") -> str:
    """JWE compact serialisation of ``payload`` for the key ``public_jwk`` (RSA-OAEP-256, A256GCM)."""
    header: dict[str, Any] = {"alg": ENCRYPTION_ALG, "enc": CONTENT_ENC, "kid": public_jwk["kid"]}
    if content_type:
        header["cty"] = content_type
    token = jwe.JWE(payload, protected=json.dumps(header))
    token.add_recipient(_jwk(public_jwk))
    return str(token.serialize(compact=True))


def jwe_kid(token: str) -> str:
    """The ``kid`` in the protected header of a compact JWE ('' when there is none or it is unreadable)."""
    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".", 1)[0] + "=="))
    except (ValueError, UnicodeDecodeError):
        return ""
    return str(header.get("kid", "")) if isinstance(header, dict) else ""


def auth_tag(token: str) -> str:
    """The authentication tag (5th part) of a compact JWE – FIT-Connect's accept event lists them."""
    parts = token.split(".")
    return parts[4] if len(parts) == 5 else ""


def decrypt(token: str, private_jwk_json: str) -> bytes:
    """Decrypt a compact JWE; :class:`CryptoError` when it is not ours, not well-formed or tampered with."""
    try:
        message = jwe.JWE()
        message.deserialize(token, key=_jwk(private_jwk_json))
        header = message.jose_header
        if header.get("alg") != ENCRYPTION_ALG or header.get("enc") != CONTENT_ENC:
            raise CryptoError(
                f"Nicht zulässige Verschlüsselung ({header.get('alg')}/{header.get('enc')}); "
                f"verlangt ist {ENCRYPTION_ALG} mit {CONTENT_ENC}."
            )
        return bytes(message.payload)
    except CryptoError:
        raise
    except (JWException, ValueError, TypeError, KeyError) as error:
        raise CryptoError(f"Entschlüsselung fehlgeschlagen ({type(error).__name__}).") from error


# ---- hashes and HMAC -------------------------------------------------------------------------------


def sha512_hex(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def callback_mac(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA512 of ``{timestamp}.{body}`` (FIT-Connect's ``Callback-Authentication``), hex."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha512).hexdigest()


def callback_verify(
    secret: str, timestamp: str, body: bytes, mac: str, *, max_age: int = 300, now: float | None = None
) -> bool:
    """Is the callback authentic and fresh (timestamp at most ``max_age`` seconds away)?"""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    if abs((now if now is not None else time.time()) - stamp) > max_age:
        return False
    return hmac.compare_digest(callback_mac(secret, timestamp, body), mac.strip().lower())


# ---- Security Event Tokens -------------------------------------------------------------------------


def set_sign(payload: dict[str, Any], private_jwk_json: str, kid: str) -> str:
    """A SET (signed JWT, ``typ secevent+jwt``, PS512) with ``payload`` as claims."""
    header = {"alg": SIGNING_ALG, "typ": SET_TYPE, "kid": kid}
    token = jwt.JWT(header=header, claims=payload)
    token.make_signed_token(_jwk(private_jwk_json))
    return str(token.serialize())


def set_claims_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a SET without checking the signature (to find the key to check it with)."""
    try:
        head, body, _sig = token.split(".")
        header = json.loads(base64.urlsafe_b64decode(head + "=="))
        claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    except (ValueError, UnicodeDecodeError) as error:
        raise CryptoError("Kein lesbares Security Event Token.") from error
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise CryptoError("Kein lesbares Security Event Token.")
    return header, claims


def set_verify(token: str, public_jwk: dict[str, Any]) -> dict[str, Any]:
    """The claims of a SET whose PS512 signature ``public_jwk`` verifies; else :class:`CryptoError`."""
    header, _claims = set_claims_unverified(token)
    if header.get("alg") != SIGNING_ALG or header.get("typ") != SET_TYPE:
        raise CryptoError("Security Event Token mit falschem Algorithmus oder Typ.")
    try:
        signed = jws.JWS()
        signed.deserialize(token)
        signed.verify(_jwk(public_jwk), alg=SIGNING_ALG)
        return dict(json.loads(signed.payload))
    except (JWException, ValueError) as error:
        raise CryptoError("Die Signatur des Security Event Tokens ist ungültig.") from error


# ---- addressing data of the Routing API -------------------------------------------------------------

RS_URN = "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:"
LEIKA_URN = "urn:de:fim:leika:leistung:"


def destination_signature_verify(
    token: str,
    trusted_keys: dict[str, dict[str, Any]],
    *,
    destination_id: str,
    submission_host: str,
    leika_key: str,
    ars: str,
) -> dict[str, Any]:
    """The claims of the ``destinationSignature`` a route of the Routing API carries, when

    - it is a JWS (PS512) whose ``kid`` is one of ``trusted_keys`` (the JWKS of FITKO's self-service portal,
      which signs the addressing data the authority enters in its editorial system) and that key verifies it,
    - it names the same ``destinationId`` as the route,
    - its ``submissionHost`` is the host of the Submission API Amtsweg will deliver to (so the destination
      and its encryption key are read from the delivery service the signature names),
    - one of its ``services`` lists the LeiKa key and a region (``gebietIDs``) that contains ``ars``.

    Otherwise :class:`CryptoError` with a German reason."""
    if not token:
        raise CryptoError("Die Routing API lieferte den Zustellpunkt ohne Signatur (destinationSignature).")
    try:
        header, claims = set_claims_unverified(token)
    except CryptoError as error:
        raise CryptoError("Die Signatur des Zustellpunkts ist kein lesbares JWS.") from error
    if header.get("alg") != SIGNING_ALG:
        raise CryptoError(f"Die Signatur des Zustellpunkts nutzt nicht {SIGNING_ALG}.")
    key = trusted_keys.get(str(header.get("kid", "")))
    if key is None:
        raise CryptoError(
            "Die Signatur des Zustellpunkts stammt von einem Schlüssel, dem Amtsweg nicht vertraut."
        )
    try:
        signed = jws.JWS()
        signed.deserialize(token)
        signed.verify(_jwk(key), alg=SIGNING_ALG)
        claims = dict(json.loads(signed.payload))
    except (JWException, ValueError) as error:
        raise CryptoError("Die Signatur des Zustellpunkts ist ungültig (Daten verändert?).") from error
    if str(claims.get("destinationId", "")) != destination_id:
        raise CryptoError("Die Signatur gehört zu einem anderen Zustellpunkt als dem der Routing API.")
    if str(claims.get("submissionHost", "")).lower() != submission_host.lower():
        raise CryptoError(
            f"Die Signatur nennt einen anderen Zustelldienst ({claims.get('submissionHost')}) "
            f"als den eingestellten ({submission_host})."
        )
    for service in claims.get("services") or []:
        if not isinstance(service, dict):
            continue
        leistungen = {str(x) for x in service.get("leistungIDs") or []}
        regions = [str(x).removeprefix(RS_URN) for x in service.get("gebietIDs") or []]
        if LEIKA_URN + leika_key in leistungen and any(r and ars.startswith(r) for r in regions):
            return claims
    raise CryptoError(
        f"Laut Signatur ist der Zustellpunkt für LeiKa {leika_key} im Gebiet {ars} nicht zuständig."
    )
