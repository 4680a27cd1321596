"""Secret keys for tokens and the vault, with key ids so keys can rotate.

Keys come from the environment (PEHCHAAN_TOKEN_KEY / PEHCHAAN_VAULT_KEY) in
production. For the embedded default a random key is generated once into
``.pehchaan/keys.json`` (mode 0600), so a laptop run needs no set-up and two
runs on the same machine produce comparable tokens. Never a key built into
the code: a public default key would make every token reversible by anyone
who enumerates the 10^11 valid Aadhaar numbers.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dedup.settings import get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes


def _load_or_create_file(path: Path) -> dict:
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "token": {"id": "local1", "secret": secrets.token_hex(32)},
        "vault": {"id": "localv1", "secret": secrets.token_hex(32)},
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f)
    log.warning("No PEHCHAAN_TOKEN_KEY set: created a local key file %s (fine for a laptop, "
                "not for production)", path)
    return data


def _secret_bytes(value: str) -> bytes:
    try:
        raw = bytes.fromhex(value)
        if len(raw) >= 16:
            return raw
    except ValueError:
        pass
    return value.encode("utf-8")


# The key in use, per settings object: the importer makes a token for every Aadhaar and
# account of a crore of rows, and reading the key file each time was a third of import.
# New settings (a changed environment, tests) mean a fresh read.
_IN_USE: dict[str, tuple[object, Key]] = {}


def _cached(kind: str, make) -> Key:
    s = get_settings()
    hit = _IN_USE.get(kind)
    if hit is not None and hit[0] is s:
        return hit[1]
    key = make(s)
    _IN_USE[kind] = (s, key)
    return key


def _token_key(s) -> Key:
    if s.token_key:
        return Key(s.token_key_id, _secret_bytes(s.token_key))
    data = _load_or_create_file(s.key_file)["token"]
    return Key(data["id"], _secret_bytes(data["secret"]))


def _vault_key(s) -> Key:
    if s.vault_key:
        return Key(s.vault_key_id, _secret_bytes(s.vault_key))
    data = _load_or_create_file(s.key_file)["vault"]
    return Key(data["id"], _secret_bytes(data["secret"]))


def token_key() -> Key:
    return _cached("token", _token_key)


def vault_key() -> Key:
    return _cached("vault", _vault_key)
