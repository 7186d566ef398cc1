"""Passwords and tokens: how they are made, kept and checked. Nothing here is stored in clear.

Passwords are hashed with scrypt (memory-hard) through werkzeug.security, already a
dependency of Flask. Tokens are 256 random bits, so a single SHA-256 is enough to keep them
safe at rest (no dictionary to attack); it also lets a token be found by its digest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from causalmap.errors import UsageError

__all__ = ["MIN_PASSWORD_LENGTH", "check_password", "hash_password", "new_token", "token_digest", "same"]

MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "cm_"
#: scrypt with N=2**15, r=8, p=1: about 32 MiB and 0.1 s per check, werkzeug's default.
PASSWORD_METHOD = "scrypt:32768:8:1"
#: Checked against when the account has no password, so a login takes as long either way.
_DUMMY_HASH = generate_password_hash("not a password of anyone", method=PASSWORD_METHOD)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"the password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH}")
    return generate_password_hash(password, method=PASSWORD_METHOD)


def check_password(stored_hash: str | None, password: str) -> bool:
    """True when the password matches; an account without a password never matches."""
    if not stored_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(stored_hash, password)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison (CSRF tokens, session keys)."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
