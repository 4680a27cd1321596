"""Shared test set-up: a test token key (never the developer's), small synthetic data."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything reads settings: tests must never create or use a real key file.
_KEYDIR = tempfile.mkdtemp(prefix="pehchaan-test-keys-")
os.environ.setdefault("PEHCHAAN_TOKEN_KEY", "7e" * 32)
os.environ.setdefault("PEHCHAAN_TOKEN_KEY_ID", "test1")
os.environ.setdefault("PEHCHAAN_VAULT_KEY", "5a" * 32)
os.environ["PEHCHAAN_KEY_FILE"] = str(Path(_KEYDIR) / "keys.json")
os.environ.setdefault("PEHCHAAN_DATABASE_URL", f"sqlite:///{_KEYDIR}/pehchaan.db")


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
