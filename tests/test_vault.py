"""The Aadhaar vault on SQLite and on the real PostgreSQL: encryption, permission, audit, rotation."""
from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, select, text, update

try:
    import fixtures_ekyc as F
except ImportError:  # tests/ became a package
    from tests import fixtures_ekyc as F

from ekyc.errors import EkycError, ExitCode
from ekyc.keys import Key
from ekyc.vault import DECRYPT, Actor, Keyring, Vault, audit_table, vault_table

PG_URL = os.environ.get("PEHCHAAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# CI sets this so that an unreachable server fails the run instead of skipping silently. Read at
# import: the autouse _env fixture clears every PEHCHAAN_* variable before each test.
REQUIRE_PG = os.environ.get("PEHCHAAN_REQUIRE_POSTGRES", "") not in ("", "0")
K1 = Key("v1", bytes.fromhex("11" * 32))
K2 = Key("v2", bytes.fromhex("22" * 32))
CLERK = Actor("clerk@block")
OFFICER = Actor("officer@district", frozenset({DECRYPT}))


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path)


def _pg_reachable() -> str | None:
    """None if the server the tests use (PG_URL) accepts a connection, else why not."""
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return None
    except Exception as e:  # noqa: BLE001
        where = engine.url.render_as_string(hide_password=True)
        return f"PostgreSQL at {where} is unreachable ({type(e).__name__}: {e})"
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request, tmp_path):
    """(engine, describe) for a fresh vault; PostgreSQL gets its own schema, dropped afterwards."""
    if request.param == "sqlite":
        path = tmp_path / "vault.db"
        engine = create_engine(f"sqlite:///{path}")
        yield engine, ("sqlite", path)
        engine.dispose()
        return
    reason = _pg_reachable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(f"{reason}; PEHCHAAN_REQUIRE_POSTGRES is set")
        pytest.skip(reason)
    schema = f"pehchaan_vault_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = admin.execution_options(schema_translate_map={None: schema})
    try:
        yield engine, ("postgres", schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _vault(engine, current=K1, *old) -> Vault:
    v = Vault(engine, Keyring(current, tuple(old)))
    v.create_schema()
    return v


def _raw_dump(engine, where) -> bytes:
    kind, loc = where
    if kind == "sqlite":
        engine.dispose()
        data = loc.read_bytes()
        for extra in (loc.with_name(loc.name + "-wal"), loc.with_name(loc.name + "-journal")):
            if extra.exists():
                data += extra.read_bytes()
        return data
    with engine.connect() as conn:
        rows = conn.execute(text(f'SELECT t::text FROM "{loc}".aadhaar_vault t UNION ALL '
                                 f'SELECT a::text FROM "{loc}".aadhaar_vault_audit a')).scalars().all()
    return "\n".join(rows).encode()


def test_store_is_encrypted_idempotent_and_never_in_clear(backend):
    engine, where = backend
    v = _vault(engine)
    numbers = [F.valid_aadhaar() for _ in range(5)]
    entries = [v.store(n, CLERK, "legacy MIS import") for n in numbers]
    assert len({e.ref_key for e in entries}) == 5
    again = v.store(f"{numbers[0][:4]} {numbers[0][4:8]} {numbers[0][8:]}", CLERK, "re-import")
    assert again.ref_key == entries[0].ref_key
    assert entries[0].masked == f"XXXX XXXX {numbers[0][-4:]}"
    assert v.find(entries[1].token).ref_key == entries[1].ref_key
    dump = _raw_dump(engine, where)
    for n in numbers:
        for form in (n, n[:8], f"{n[:4]} {n[4:8]} {n[8:]}"):
            assert form.encode() not in dump
            assert form.encode("utf-16-le") not in dump
    # the dump really holds the rows (so the absence above means something): ref keys and last 4
    assert all(e.ref_key.encode() in dump and e.last4.encode() in dump for e in entries)


def test_invalid_numbers_refused_without_quoting(backend):
    engine, _ = backend
    v = _vault(engine)
    bad = F.valid_aadhaar()[:-1] + "x"
    with pytest.raises(EkycError) as exc:
        v.store(bad, CLERK, "import")
    assert exc.value.code == ExitCode.AADHAAR_INVALID and bad not in str(exc.value)
    with pytest.raises(EkycError):
        v.store("XXXX XXXX 1234", CLERK, "import")
    with pytest.raises(EkycError) as exc:
        v.store(F.valid_aadhaar(), CLERK, "  ")
    assert exc.value.code == ExitCode.PERMISSION_DENIED


def test_reveal_needs_permission_and_is_audited(backend):
    engine, where = backend
    v = _vault(engine)
    n = F.valid_aadhaar()
    e = v.store(n, CLERK, "online eKYC response")
    with pytest.raises(EkycError) as exc:
        v.reveal(e.ref_key, CLERK, "curiosity")
    assert exc.value.code == ExitCode.PERMISSION_DENIED
    assert v.reveal(e.ref_key, OFFICER, "DBT payment correction #42") == n
    with pytest.raises(EkycError):
        v.reveal(e.ref_key, OFFICER, "")
    with engine.connect() as conn:
        audit = conn.execute(select(audit_table).order_by(audit_table.c.id)).all()
    assert [(a.action, a.actor, a.ref_key) for a in audit] == [
        ("store", CLERK.name, e.ref_key), ("denied", CLERK.name, e.ref_key), ("reveal", OFFICER.name, e.ref_key)]
    assert audit[2].purpose == "DBT payment correction #42" and audit[2].at is not None
    assert n.encode() not in _raw_dump(engine, where)


def test_rotation_in_batches_keeps_every_row_readable(backend):
    engine, where = backend
    numbers = [F.valid_aadhaar() for _ in range(23)]
    old = _vault(engine, K1)
    refs = {old.store(n, CLERK, "import").ref_key: n for n in numbers}
    assert old.count_by_key() == {"v1": 23}

    during = Vault(engine, Keyring(K2, (K1,)))
    rep = during.rotate(Actor("rotate-key"), batch_size=10, max_batches=1)
    assert (rep.rotated, rep.batches, rep.remaining) == (10, 1, 13)
    assert during.count_by_key() == {"v1": 13, "v2": 10}
    # mid-rotation: every row readable through the keyring, and new rows go under the new key
    for ref, n in refs.items():
        assert during.reveal(ref, OFFICER, "audit during rotation") == n
    late = F.valid_aadhaar()
    refs[during.store(late, CLERK, "import during rotation").ref_key] = late
    assert during.count_by_key() == {"v1": 13, "v2": 11}
    # the old keyring alone can no longer read rotated rows: a clear error, not garbage
    with engine.connect() as conn:
        rotated_ref = conn.execute(select(vault_table.c.ref_key).where(vault_table.c.key_id == "v2")).scalar()
    with pytest.raises(EkycError) as exc:
        old.reveal(rotated_ref, OFFICER, "x")
    assert exc.value.code == ExitCode.VAULT_KEY_MISSING and "v2" in str(exc.value)

    rep = during.rotate(Actor("rotate-key"), batch_size=10)
    assert rep.remaining == 0 and rep.rotated == 13 and rep.batches == 2
    assert during.count_by_key() == {"v2": 24}
    assert during.rotate(Actor("rotate-key")).rotated == 0          # idempotent
    new_only = Vault(engine, Keyring(K2))
    for ref, n in refs.items():
        assert new_only.reveal(ref, OFFICER, "after rotation") == n
    with engine.connect() as conn:
        actions = conn.execute(select(audit_table.c.action)).scalars().all()
    assert actions.count("rotate") == 3
    dump = _raw_dump(engine, where)
    assert not any(n.encode() in dump for n in refs.values())


def test_ciphertext_bound_to_its_row(backend):
    engine, _ = backend
    v = _vault(engine)
    a = v.store(F.valid_aadhaar(), CLERK, "import")
    b = v.store(F.valid_aadhaar(), CLERK, "import")
    with engine.begin() as conn:
        rb = conn.execute(select(vault_table).where(vault_table.c.ref_key == b.ref_key)).first()
        conn.execute(update(vault_table).where(vault_table.c.ref_key == a.ref_key)
                     .values(nonce=rb.nonce, ciphertext=rb.ciphertext))
    with pytest.raises(EkycError) as exc:
        v.reveal(a.ref_key, OFFICER, "check")
    assert exc.value.code == ExitCode.VAULT_KEY_MISSING and "tampered" in str(exc.value)


def test_keyring_from_settings(monkeypatch, tmp_path):
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_VAULT_KEY="33" * 32, PEHCHAAN_VAULT_KEY_ID="v3",
                    PEHCHAAN_VAULT_OLD_KEYS=f"v1:{'11' * 32}, v2:{'22' * 32}")
    ring = Keyring.from_settings()
    assert ring.current.key_id == "v3" and [k.key_id for k in ring.old] == ["v1", "v2"]
    assert ring.get("v1").secret == K1.secret
    with pytest.raises(EkycError):
        ring.get("v9")
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_VAULT_OLD_KEYS="no-secret-here")
    with pytest.raises(EkycError):
        Keyring.from_settings()


def test_kms_hook(monkeypatch, tmp_path):
    (tmp_path / "state_kms.py").write_text(
        "from ekyc.keys import Key\n"
        "def keys():\n"
        "    return [Key('kms2', bytes(range(32))), Key('kms1', bytes(32))]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_VAULT_KMS_HOOK="state_kms:keys")
    ring = Keyring.from_settings()
    assert ring.current.key_id == "kms2" and ring.old[0].key_id == "kms1"


def test_default_vault_uses_database_url(monkeypatch, tmp_path):
    db = tmp_path / "sub" / "p.db"
    F.configure_env(monkeypatch, tmp_path, PEHCHAAN_DATABASE_URL=f"sqlite:///{db}")
    v = Vault()
    v.create_schema()
    e = v.store(F.valid_aadhaar(), CLERK, "import")
    assert db.exists() and v.count_by_key() == {"v1": 1} and e.kind == "full"
