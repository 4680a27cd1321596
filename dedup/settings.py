"""Configuration read from the environment (PEHCHAAN_*) or a .env file.

One place for every knob a state deployment sets, so that keys and database
URLs never need to be passed on a command line (where they would land in shell
history and process listings).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEHCHAAN_", env_file=".env", extra="ignore")

    # Keyed tokens (HMAC-SHA256) for Aadhaar, VID and bank accounts.
    # token_key: hex or any string secret; token_key_id: short label stored in every token
    # so that a rotated key never silently compares unequal with an old token.
    token_key: str | None = None
    token_key_id: str = "k1"
    # When no key is configured, a random one is created here on first use (0600).
    key_file: Path = Path(".pehchaan/keys.json")

    # Encrypted Aadhaar vault (AES-256-GCM); same fallback file as above.
    vault_key: str | None = None
    vault_key_id: str = "v1"

    database_url: str = "sqlite:///.pehchaan/pehchaan.db"
    uidai_cert_dir: Path | None = None

    # eKYC verification (see ekyc/README.md). Certificates above are the only trust anchors.
    # Keep the photo (and XML) in verification results; off by default (keep only the outcome).
    ekyc_keep_artifacts: bool = False
    ekyc_max_zip_bytes: int = 5_000_000     # larger uploads are refused before opening
    ekyc_max_xml_bytes: int = 5_000_000     # decompressed XML cap (zip-bomb guard)
    ekyc_min_match: int = 80                # partial demographic match value needed to pass (1-100)
    # Optional bank-code list a state loads (CSV with bank_code,bank_name); no maintained offline
    # IFSC master exists on PyPI, so nothing is bundled.
    ifsc_bank_codes_csv: Path | None = None
    # Vault key rotation: previous keys kept readable while `pehchaan ekyc rotate-key` runs,
    # as "id:secret,id:secret"; or a KMS hook "package.module:function" returning the keyring.
    vault_old_keys: str | None = None
    vault_kms_hook: str | None = None
    state: str | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
