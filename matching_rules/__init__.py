"""Declarative rules for confirmed vs potential duplicates (YAML, per state)."""
