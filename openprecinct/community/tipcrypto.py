"""Tip references and passphrases: server-made, shown once, stored only as a peppered scrypt.

- The reference (8 Crockford base32 characters, 40 bits) names the tip for the tipster and
  for staff. It is not a secret.
- The passphrase (20 Crockford base32 characters, 100 bits, shown in groups of four) is the
  secret. Only ``scrypt(passphrase, salt = pepper | reference)`` is kept.
- The pepper comes from ``settings.OPENPRECINCT_TIP_PEPPER`` (environment variable
  ``OPENPRECINCT_TIP_PEPPER``); without it, from an HMAC of ``SECRET_KEY`` so it still lives
  outside the database.
- Checking a passphrase always runs exactly one scrypt, whether the reference exists or not,
  so an unknown reference and a wrong passphrase give the same answer in the same time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
REFERENCE_LENGTH = 8
PASSPHRASE_LENGTH = 20  # 20 × 5 bits = 100 bits
PASSPHRASE_BITS = PASSPHRASE_LENGTH * 5
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1


def pepper() -> bytes:
    configured = getattr(settings, "OPENPRECINCT_TIP_PEPPER", "") or ""
    if configured:
        return configured.encode("utf-8")
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"), b"openprecinct.community.tip-pepper", hashlib.sha256
    ).digest()


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_reference() -> str:
    return _random(REFERENCE_LENGTH)


def new_passphrase() -> str:
    raw = _random(PASSPHRASE_LENGTH)
    return "-".join(raw[i : i + 4] for i in range(0, PASSPHRASE_LENGTH, 4))


def normalise(text: str) -> str:
    """Upper-case, drop spaces and dashes, read O as 0 and I/L as 1 (Crockford)."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))[:64]


def display_reference(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:]}" if len(reference) == REFERENCE_LENGTH else reference


def derive(passphrase: str, reference: str) -> str:
    key = hashlib.scrypt(
        normalise(passphrase).encode("ascii", "ignore"),
        salt=pepper() + b"|" + normalise(reference).encode("ascii", "ignore"),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=32,
    )
    return key.hex()


def matches(passphrase: str, reference: str, stored: str | None) -> bool:
    """One scrypt whatever happens; ``stored`` is None for an unknown reference."""
    derived = derive(passphrase, reference)
    return hmac.compare_digest(derived, stored or ("0" * 64)) and stored is not None
