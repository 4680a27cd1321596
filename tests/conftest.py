"""Shared test set-up: a test token key (never the developer's), small synthetic data."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from dedup.settings import Settings

# Before anything reads settings: tests must never create or use a real key file, nor the
# developer's keys, database, Spark master, memory limits or state. Every PEHCHAAN_* variable
# the developer's shell may carry is dropped (settings, and the engine's own: Spark, DuckDB,
# memory check), except the test-only switches below; then the test values are assigned.
_TEST_SWITCHES = {"PEHCHAAN_TEST_POSTGRES_URL", "PEHCHAAN_REQUIRE_POSTGRES"}
_KEYDIR = tempfile.mkdtemp(prefix="pehchaan-test-keys-")
for _name in [n for n in os.environ if n.startswith("PEHCHAAN_") and n not in _TEST_SWITCHES]:
    os.environ.pop(_name)
assert all(f"PEHCHAAN_{f.upper()}" not in os.environ for f in Settings.model_fields)
os.environ["PEHCHAAN_TOKEN_KEY"] = "7e" * 32
os.environ["PEHCHAAN_TOKEN_KEY_ID"] = "test1"
os.environ["PEHCHAAN_VAULT_KEY"] = "5a" * 32
os.environ["PEHCHAAN_VAULT_KEY_ID"] = "testv1"
os.environ["PEHCHAAN_KEY_FILE"] = str(Path(_KEYDIR) / "keys.json")
os.environ["PEHCHAAN_DATABASE_URL"] = f"sqlite:///{_KEYDIR}/pehchaan.db"

# Hypothesis's default 200 ms deadline per example is a timing assertion: it fails on a busy
# 2-core machine although the code is right. Property tests check behaviour only.
hypothesis_settings.register_profile("pehchaan", deadline=None)
hypothesis_settings.load_profile("pehchaan")


@pytest.fixture(autouse=True)
def fresh_settings():
    """Settings are cached; a test that changes PEHCHAAN_* must not leak into the next."""
    from dedup.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def small_export(tmp_path_factory):
    """~3,000 synthetic member rows with truth, written as an MIS-style CSV."""
    from dedup.synthetic import generate, write_export

    export = generate(3000, seed=11)
    files = write_export(export, tmp_path_factory.mktemp("export"))
    return export, files


@pytest.fixture(scope="session")
def small_features(small_export, tmp_path_factory):
    from dedup.features import member_features
    from dedup.importer import import_members

    _, files = small_export
    clean = import_members(files["members"], tmp_path_factory.mktemp("import")).load()
    return member_features(clean)
