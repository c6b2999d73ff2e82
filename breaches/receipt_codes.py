"""Receipt codes: what a reporter without an account uses to come back to
their report. Shown once; only its SHA-256 is stored.

A code is 20 characters of Crockford's base 32 (100 random bits), so it cannot
be guessed however many tries are made, and a plain hash without salt is
enough: there is nothing smaller to search than the code itself.
"""

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
GROUP = 4
# Letters people confuse with digits read as those digits, as Crockford's base 32 does.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def receipt_code_new() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(code[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def receipt_code_normalise(typed: str) -> str:
    """The code as typed, without spaces or hyphens, in capitals; '' if it cannot be a code."""
    code = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != LENGTH or any(character not in ALPHABET for character in code):
        return ""
    return code


def receipt_code_sha256(code: str) -> str:
    return hashlib.sha256(receipt_code_normalise(code).encode("ascii")).hexdigest()
