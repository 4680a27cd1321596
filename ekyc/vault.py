"""The Aadhaar vault: the one place a full Aadhaar number may exist, encrypted.

Only for numbers a deployment already holds and must keep (legacy MIS data,
online eKYC). Offline verification never writes here: Aadhaar Act s.8A(4)(b)
forbids an offline verifier to store the number.

- Each number is AES-256-GCM encrypted under the current vault key, in its own
  table, keyed by a random reference key; everything else in Pehchaan uses the
  reference key or the HMAC token, never the number.
- Each row records the key id it is encrypted under, and the keyring holds the
  current key plus old ones, so :meth:`Vault.rotate` re-encrypts in small
  batches while every row stays readable (no downtime).
- The row's reference key and key id are bound into the ciphertext (GCM
  associated data), so a ciphertext copied onto another row does not decrypt.
- Decrypting is a separate permission (``vault:decrypt``) and every attempt,
  allowed or denied, is written to an audit table (who, when, which reference
  key, purpose, never the number).
"""
from __future__ import annotations

import importlib
import os
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.exc import IntegrityError
from sqlalchemy import (Column, DateTime, Engine, Integer, LargeBinary, MetaData, String, Table, create_engine,
                        func, select, update)

from ekyc.aadhaar import AadhaarKind, parse_aadhaar
from ekyc.errors import EkycError, ExitCode
from ekyc.keys import Key, _secret_bytes, vault_key

DECRYPT = "vault:decrypt"

metadata = MetaData()

vault_table = Table(
    "aadhaar_vault", metadata,
    Column("ref_key", String(36), primary_key=True),
    Column("token", String(96), nullable=False, unique=True),   # HMAC token: find a number without decrypting
    Column("kind", String(8), nullable=False),                  # full / vid
    Column("last4", String(4), nullable=False),                 # the only printable part
    Column("key_id", String(64), nullable=False, index=True),
    Column("nonce", LargeBinary(12), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("rotated_at", DateTime(timezone=True)),
)

audit_table = Table(
    "aadhaar_vault_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(16), nullable=False),   # store / reveal / denied / rotate
    Column("ref_key", String(36)),
    Column("purpose", String(500), nullable=False),
)


# ---------------------------------------------------------------- keys

def _aes_key(key: Key) -> bytes:
    # The configured secret may be any length or a passphrase; HKDF gives a uniform 256-bit key.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"pehchaan aadhaar vault aes-256-gcm").derive(key.secret)


@dataclass(frozen=True)
class Keyring:
    """The current vault key plus old ones still readable during a rotation."""

    current: Key
    old: tuple[Key, ...] = ()

    def get(self, key_id: str) -> Key:
        for k in (self.current, *self.old):
            if k.key_id == key_id:
                return k
        raise EkycError(ExitCode.VAULT_KEY_MISSING,
                        f"a vault row is encrypted under key id {key_id!r}, which the keyring does not hold: "
                        "add it to PEHCHAAN_VAULT_OLD_KEYS until rotation has finished")

    @classmethod
    def from_settings(cls) -> "Keyring":
        """PEHCHAAN_VAULT_KMS_HOOK ("module:function" returning [current, *old] Keys) if set,
        else PEHCHAAN_VAULT_KEY(+_ID) and PEHCHAAN_VAULT_OLD_KEYS ("id:secret,id:secret")."""
        from dedup.settings import get_settings

        s = get_settings()
        if s.vault_kms_hook:
            module, _, name = s.vault_kms_hook.partition(":")
            keys = list(getattr(importlib.import_module(module), name)())
            if not keys:
                raise EkycError(ExitCode.VAULT_KEY_MISSING, "the vault KMS hook returned no key")
            return cls(keys[0], tuple(keys[1:]))
        old = []
        for item in (s.vault_old_keys or "").split(","):
            if item.strip():
                kid, sep, secret = item.strip().partition(":")
                if not sep or not secret:
                    raise EkycError(ExitCode.VAULT_KEY_MISSING, "PEHCHAAN_VAULT_OLD_KEYS must be "
                                    "'id:secret,id:secret'")
                old.append(Key(kid, _secret_bytes(secret)))
        current = vault_key()
        return cls(current, tuple(k for k in old if k.key_id != current.key_id))


# ---------------------------------------------------------------- actors and results

@dataclass(frozen=True)
class Actor:
    """Who is asking. Decrypting needs the ``vault:decrypt`` permission."""

    name: str
    permissions: frozenset[str] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass(frozen=True)
class VaultEntry:
    ref_key: str
    token: str
    last4: str
    kind: str

    @property
    def masked(self) -> str:
        return ("XXXX XXXX XXXX " if self.kind == AadhaarKind.VID.value else "XXXX XXXX ") + self.last4


@dataclass
class RotationReport:
    key_id: str
    rotated: int = 0
    batches: int = 0
    remaining: int = 0
    by_key_before: dict[str, int] = field(default_factory=dict)
    by_key_after: dict[str, int] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aad(ref_key: str, key_id: str) -> bytes:
    return f"pehchaan-vault|{ref_key}|{key_id}".encode()


class Vault:
    def __init__(self, engine: Engine | str | None = None, keyring: Keyring | None = None):
        if engine is None or isinstance(engine, str):
            from dedup.settings import get_settings

            url = engine or get_settings().database_url
            if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
                os.makedirs(os.path.dirname(os.path.abspath(url[len("sqlite:///"):])) or ".", exist_ok=True)
            engine = create_engine(url)
        self.engine = engine
        self.keyring = keyring or Keyring.from_settings()

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    # -- writing

    def _encrypt(self, ref_key: str, number: str, key: Key) -> tuple[bytes, bytes]:
        nonce = os.urandom(12)
        return nonce, AESGCM(_aes_key(key)).encrypt(nonce, number.encode(), _aad(ref_key, key.key_id))

    def _decrypt(self, row) -> str:
        key = self.keyring.get(row.key_id)
        try:
            return AESGCM(_aes_key(key)).decrypt(row.nonce, row.ciphertext, _aad(row.ref_key, row.key_id)).decode()
        except InvalidTag:
            raise EkycError(ExitCode.VAULT_KEY_MISSING, f"vault row {row.ref_key} does not decrypt under key id "
                            f"{row.key_id!r}: wrong key material, or the row was tampered with") from None

    def _audit(self, conn, actor: Actor, action: str, ref_key: str | None, purpose: str) -> None:
        conn.execute(audit_table.insert().values(at=_now(), actor=actor.name[:200], action=action,
                                                 ref_key=ref_key, purpose=purpose[:500]))

    def store(self, number: object, actor: Actor, purpose: str) -> VaultEntry:
        """Encrypt a number the deployment must keep; returns its reference key (idempotent:
        a number already in the vault returns its existing entry)."""
        raise_if_blank(purpose)
        ev = parse_aadhaar(number)
        if ev.kind not in (AadhaarKind.FULL, AadhaarKind.VID):
            raise EkycError(ExitCode.AADHAAR_INVALID, "only a valid full Aadhaar number or VID goes into the "
                            f"vault ({ev.reason or ev.kind.value})")
        digits = _digits(number)
        del number
        existing = self.find(ev.token)
        if existing:
            return existing
        ref_key = str(uuid.uuid4())
        key = self.keyring.current
        nonce, ct = self._encrypt(ref_key, digits, key)
        del digits
        try:
            with self.engine.begin() as conn:
                conn.execute(vault_table.insert().values(
                    ref_key=ref_key, token=ev.token, kind=ev.kind.value, last4=ev.last4, key_id=key.key_id,
                    nonce=nonce, ciphertext=ct, created_at=_now()))
                self._audit(conn, actor, "store", ref_key, purpose)
        except IntegrityError:  # stored concurrently by someone else: theirs stands
            existing = self.find(ev.token)
            if existing is None:
                raise
            return existing
        return VaultEntry(ref_key, ev.token, ev.last4, ev.kind.value)

    def find(self, token: str | None) -> VaultEntry | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(vault_table.c.ref_key, vault_table.c.token, vault_table.c.last4,
                                      vault_table.c.kind).where(vault_table.c.token == token)).first()
        return VaultEntry(row.ref_key, row.token, row.last4, row.kind) if row else None

    # -- reading

    def reveal(self, ref_key: str, actor: Actor, purpose: str) -> str:
        """The number, for an actor holding ``vault:decrypt``. Every attempt is audited."""
        raise_if_blank(purpose)
        if not actor.can(DECRYPT):
            with self.engine.begin() as conn:
                self._audit(conn, actor, "denied", ref_key, purpose)
            raise EkycError(ExitCode.PERMISSION_DENIED, f"{actor.name} does not hold the {DECRYPT} permission")
        with self.engine.begin() as conn:
            row = conn.execute(select(vault_table).where(vault_table.c.ref_key == ref_key)).first()
            if row is None:
                raise EkycError(ExitCode.MALFORMED, f"no vault entry with reference key {ref_key}")
            number = self._decrypt(row)
            self._audit(conn, actor, "reveal", ref_key, purpose)
        return number

    def count_by_key(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(vault_table.c.key_id, func.count()).group_by(vault_table.c.key_id)).all()
        return {k: n for k, n in rows}

    # -- rotation

    def rotate(self, actor: Actor, *, batch_size: int = 500, max_batches: int | None = None) -> RotationReport:
        """Re-encrypt rows not under the current key, one committed batch at a time.

        Each row is updated only if it still carries the key id it was read under, so a
        concurrent writer or a second rotator never loses a write; rows not yet rotated stay
        readable through the keyring's old keys throughout.
        """
        new = self.keyring.current
        report = RotationReport(key_id=new.key_id, by_key_before=self.count_by_key())
        while max_batches is None or report.batches < max_batches:
            with self.engine.begin() as conn:
                rows = conn.execute(
                    select(vault_table).where(vault_table.c.key_id != new.key_id)
                    .order_by(vault_table.c.ref_key).limit(batch_size)
                    .with_for_update(skip_locked=True)).all()
                if not rows:
                    break
                done = 0
                for row in rows:
                    number = self._decrypt(row)
                    nonce, ct = self._encrypt(row.ref_key, number, new)
                    del number
                    res = conn.execute(update(vault_table)
                                       .where(vault_table.c.ref_key == row.ref_key,
                                              vault_table.c.key_id == row.key_id)
                                       .values(key_id=new.key_id, nonce=nonce, ciphertext=ct, rotated_at=_now()))
                    done += res.rowcount
                self._audit(conn, actor, "rotate", None, f"re-encrypted {done} rows to key {new.key_id}")
            report.rotated += done
            report.batches += 1
        report.by_key_after = self.count_by_key()
        report.remaining = sum(n for k, n in report.by_key_after.items() if k != new.key_id)
        return report


def _digits(number: object) -> str:
    """The digits parse_aadhaar accepted (same clean-up: spaces, dashes, Excel's ".0")."""
    text = str(number).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return re.sub(r"[\s\-./]", "", text)


def raise_if_blank(purpose: str) -> None:
    if not purpose or not purpose.strip():
        raise EkycError(ExitCode.PERMISSION_DENIED, "a purpose is required for every vault access (it is audited)")
