"""The local key file (ekyc/keys.py): with no key in the environment, a random key is made once
into PEHCHAAN_KEY_FILE (mode 0600) and reused, so two runs on one machine make comparable tokens."""
from __future__ import annotations

import json
import stat

import pytest

import ekyc.keys as keys
from dedup.settings import get_settings
from ekyc.keys import Key, token_key, vault_key
from ekyc.tokens import make_token

NUMBER = "234567890124"


@pytest.fixture
def no_key_in_env(monkeypatch, tmp_path):
    """No token or vault key configured; key file and caches restored after the test."""
    for name in ("PEHCHAAN_TOKEN_KEY", "PEHCHAAN_TOKEN_KEY_ID", "PEHCHAAN_VAULT_KEY", "PEHCHAAN_VAULT_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(keys, "_IN_USE", {})          # the key-in-use cache, put back afterwards
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()                        # the next test reads its own environment


def _use_key_file(monkeypatch, path):
    monkeypatch.setenv("PEHCHAAN_KEY_FILE", str(path))
    get_settings.cache_clear()


def test_key_file_is_created_private_and_reused(no_key_in_env, tmp_path):
    path = tmp_path / "state" / "keys.json"           # the folder does not exist yet either
    _use_key_file(no_key_in_env, path)
    assert not path.exists()
    token = make_token("aad", NUMBER)
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # the token is made with the file's key, and the vault key comes from the same file
    data = json.loads(path.read_text())
    assert token == make_token("aad", NUMBER, Key(data["token"]["id"], bytes.fromhex(data["token"]["secret"])))
    assert token.split(":")[1] == data["token"]["id"]
    assert vault_key() == Key(data["vault"]["id"], bytes.fromhex(data["vault"]["secret"]))
    assert NUMBER not in path.read_text()

    before = path.read_bytes()
    get_settings.cache_clear()                        # as a new run would: settings read afresh
    assert make_token("aad", NUMBER) == token
    assert path.read_bytes() == before                # read, not made again


def test_another_key_file_gives_another_token(no_key_in_env, tmp_path):
    _use_key_file(no_key_in_env, tmp_path / "a.json")
    first = make_token("aad", NUMBER)
    first_key = token_key()
    _use_key_file(no_key_in_env, tmp_path / "b.json")
    second = make_token("aad", NUMBER)
    assert (tmp_path / "b.json").is_file() and stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o600
    assert token_key().secret != first_key.secret
    assert second != first
    # and back to the first file: its key again
    _use_key_file(no_key_in_env, tmp_path / "a.json")
    assert make_token("aad", NUMBER) == first


def test_a_key_in_the_environment_makes_no_key_file(no_key_in_env, tmp_path):
    path = tmp_path / "keys.json"
    _use_key_file(no_key_in_env, path)
    no_key_in_env.setenv("PEHCHAAN_TOKEN_KEY", "4d" * 32)
    no_key_in_env.setenv("PEHCHAAN_TOKEN_KEY_ID", "env1")
    get_settings.cache_clear()
    token = make_token("aad", NUMBER)
    assert token == make_token("aad", NUMBER, Key("env1", bytes.fromhex("4d" * 32)))
    assert not path.exists()
