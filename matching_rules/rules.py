"""Load rule sets (default + per-state overrides) and apply them to scored pairs.

Rules are data, so a state data officer can read and change them without code:
each names comparisons and level labels from models/member_model.py. They are
checked against the model when loaded, so a typo in a level name is an error
at start-up, not a rule that silently never fires.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from models.levels import Comparison
from models.member_model import COMPARISONS

RULES_DIR = Path(__file__).parent
CONFIRMED, POTENTIAL = "confirmed", "potential"


class RuleError(ValueError):
    """A rule file that cannot be used; the message says which file and rule."""


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    any_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_probability: float | None = None
    # Facts about the pair that the pipeline computes from context outside the two
    # records (e.g. the SHG -> VO tree): each must be a boolean column fact_<name>.
    facts: tuple[str, ...] = ()
    # Flags only: fire only on pairs already classed confirmed or potential.
    duplicates_only: bool = False
    # Flags only: the pair is a record to correct, not a person to merge, so it
    # leaves the duplicate classes (and clusters) and goes to the flag list.
    blocks_merge: bool = False


# What a rule file may say. Anything else is an error, not ignored: a misspelt section
# ("confirmd:") would silently drop the confirmed rules, a misspelt "min_probabilty" would
# make a rule fire on pairs it was meant to leave alone.
FILE_KEYS = ("name", "description", "extends", "potential_threshold", "confirmed", "potential", "flags")
RULE_KEYS = ("name", "description", "when", "any_of", "min_probability", "facts")
FLAG_ONLY_KEYS = ("duplicates_only", "blocks_merge")


def _unknown_key(key: object, known: tuple[str, ...], where: str) -> RuleError:
    close = get_close_matches(str(key), known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return RuleError(f"{where}: unknown setting '{key}'{hint}. Allowed: {', '.join(known)}")


KNOWN_FACTS = {
    "different_shg_same_vo": "the two records are in different SHGs of the same Village Organisation",
}


@dataclass(frozen=True)
class RuleSet:
    name: str
    description: str
    potential_threshold: float
    confirmed: tuple[Rule, ...]
    potential: tuple[Rule, ...]
    flags: tuple[Rule, ...]
    source: str

    def all_rules(self) -> tuple[Rule, ...]:
        return self.confirmed + self.potential + self.flags


def _gamma_of(comparisons: dict[str, Comparison], comp: str, label: str, where: str) -> int:
    c = comparisons.get(comp)
    if c is None:
        raise RuleError(f"{where}: unknown comparison '{comp}'. Known: {', '.join(comparisons)}")
    try:
        return c.gamma_of(label)
    except KeyError:
        raise RuleError(f"{where}: comparison '{comp}' has no level '{label}'. "
                        f"Levels: {', '.join(lv.label for lv in c.levels)}") from None


def _parse_rule(raw: dict, where: str, threshold: float, section: str) -> Rule:
    if not isinstance(raw, dict) or "name" not in raw:
        raise RuleError(f"{where}: each rule needs a name")
    where = f"{where} rule '{raw['name']}'"
    allowed = RULE_KEYS + (FLAG_ONLY_KEYS if section == "flags" else ())
    for key in raw:
        if key not in allowed:
            if key in FLAG_ONLY_KEYS:
                raise RuleError(f"{where}: '{key}' is for rules under 'flags' only")
            raise _unknown_key(key, allowed, where)
    for key in FLAG_ONLY_KEYS:
        if key in raw and not isinstance(raw[key], bool):
            raise RuleError(f"{where}: '{key}' must be true or false, got {raw[key]!r}")
    comps = {c.name: c for c in COMPARISONS}
    for key in ("when", "any_of"):
        if raw.get(key) is not None and not isinstance(raw[key], dict):
            raise RuleError(f"{where}: '{key}' must map comparison names to lists of levels, "
                            f"e.g. 'first_name: [same spelling]'")
    when = {k: tuple(v if isinstance(v, list) else [v]) for k, v in (raw.get("when") or {}).items()}
    any_of = {k: tuple(v if isinstance(v, list) else [v]) for k, v in (raw.get("any_of") or {}).items()}
    for cond in (when, any_of):
        for comp, labels in cond.items():
            for label in labels:
                _gamma_of(comps, comp, label, where)
    mp = raw.get("min_probability")
    if mp == "threshold":
        mp = threshold
    elif mp is not None:
        try:
            mp = float(mp)
        except (TypeError, ValueError):
            raise RuleError(f"{where}: min_probability must be a number between 0 and 1, "
                            f"or 'threshold'") from None
        if not 0 <= mp <= 1:
            raise RuleError(f"{where}: min_probability must be between 0 and 1, got {mp}")
    facts = tuple(raw.get("facts") or ())
    for fact in facts:
        if fact not in KNOWN_FACTS:
            raise RuleError(f"{where}: unknown fact '{fact}'. Known: {', '.join(KNOWN_FACTS)}")
    if not when and not any_of and mp is None and not facts:
        raise RuleError(f"{where}: a rule needs 'when', 'any_of', 'facts' or 'min_probability'")
    return Rule(raw["name"], " ".join(str(raw.get("description", "")).split()), when, any_of, mp,
                facts, bool(raw.get("duplicates_only", False)), bool(raw.get("blocks_merge", False)))


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RuleError(f"rule file not found: {path}") from None
    except yaml.YAMLError as e:
        raise RuleError(f"{path}: not valid YAML ({e.__class__.__name__}: {getattr(e, 'problem', e)})") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path}: expected a mapping of settings at the top level")
    for key in data:
        if key not in FILE_KEYS:
            raise _unknown_key(key, FILE_KEYS, str(path))
    for section in ("confirmed", "potential", "flags"):
        rules = data.get(section)
        if rules is None:
            continue
        if not isinstance(rules, list):
            raise RuleError(f"{path}: '{section}' must be a list of rules, each starting with '- name:'")
        names = [r.get("name") for r in rules if isinstance(r, dict)]
        twice = sorted({str(n) for n in names if n is not None and names.count(n) > 1})
        if twice:
            raise RuleError(f"{path}: '{section}' has two rules named {', '.join(twice)}; "
                            "names must differ (a state file replaces a rule by its name)")
    return data


def _merge(base: dict, override: dict) -> dict:
    """Override keeps base rules and adds/replaces rules by name, section by section."""
    out = dict(base)
    for key, val in override.items():
        if key in ("confirmed", "potential", "flags"):
            by_name = {r["name"]: r for r in base.get(key) or []}
            for r in val or []:
                by_name[r["name"]] = r
            out[key] = list(by_name.values())
        elif key != "extends":
            out[key] = val
    return out


def load_rules(path: str | Path | None = None, *, state: str | None = None) -> RuleSet:
    """The default rules, a state's override (by name) or a rules file (by path)."""
    if path is None and state:
        path = RULES_DIR / "states" / f"{state.lower()}.yaml"
        if not path.exists():
            known = sorted(p.stem for p in (RULES_DIR / "states").glob("*.yaml"))
            raise RuleError(f"no rule file for state '{state}'. Known states: {', '.join(known)}")
    path = Path(path) if path else RULES_DIR / "default.yaml"
    data = _read_yaml(path)
    seen = {path.resolve()}
    while data.get("extends"):
        parent = data["extends"]
        ppath = RULES_DIR / f"{parent}.yaml" if not str(parent).endswith(".yaml") else path.parent / parent
        if ppath.resolve() in seen:
            raise RuleError(f"{path}: 'extends' loops back to {ppath}")
        seen.add(ppath.resolve())
        base = _read_yaml(ppath)
        data = _merge(base, {**data, "extends": base.get("extends")})
    try:
        threshold = float(data.get("potential_threshold", 0.9))
    except (TypeError, ValueError):
        raise RuleError(f"{path}: potential_threshold must be a number between 0 and 1") from None
    if not 0 < threshold < 1:
        raise RuleError(f"{path}: potential_threshold must be between 0 and 1, got {threshold}")
    sections = {}
    for section in ("confirmed", "potential", "flags"):
        sections[section] = tuple(_parse_rule(r, f"{path.name} [{section}]", threshold, section)
                                  for r in data.get(section) or [])
    return RuleSet(str(data.get("name", path.stem)), " ".join(str(data.get("description", "")).split()),
                   threshold, sections["confirmed"], sections["potential"], sections["flags"], str(path))


def _mask(pairs: pd.DataFrame, cond: dict[str, tuple[str, ...]], combine) -> np.ndarray:
    comps = {c.name: c for c in COMPARISONS}
    masks = []
    for comp, labels in cond.items():
        gammas = [_gamma_of(comps, comp, lb, "rule") for lb in labels]
        masks.append(pairs[f"gamma_{comp}"].isin(gammas).to_numpy())
    return combine(masks)


def rule_fires(rule: Rule, pairs: pd.DataFrame) -> np.ndarray:
    n = len(pairs)
    fired = np.ones(n, dtype=bool)
    if rule.when:
        fired &= _mask(pairs, rule.when, lambda ms: np.logical_and.reduce(ms))
    if rule.any_of:
        fired &= _mask(pairs, rule.any_of, lambda ms: np.logical_or.reduce(ms))
    if rule.min_probability is not None:
        fired &= pairs["match_probability"].to_numpy() >= rule.min_probability
    for fact in rule.facts:
        col = f"fact_{fact}"
        fired &= pairs[col].fillna(False).to_numpy(dtype=bool) if col in pairs else np.zeros(n, dtype=bool)
    return fired


def apply_rules(pairs: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Add duplicate_class ('confirmed' / 'potential' / None), rules and flags columns."""
    out = pairs.copy()
    n = len(out)
    # Rule names are joined column-wise (numpy string ops), not per row: lakhs of pairs.
    fired_names = np.full(n, "", dtype=object)
    flags = np.full(n, "", dtype=object)
    confirmed = np.zeros(n, dtype=bool)
    potential = np.zeros(n, dtype=bool)
    blocked = np.zeros(n, dtype=bool)
    for section, rule_list in (("confirmed", rules.confirmed), ("potential", rules.potential),
                               ("flags", rules.flags)):
        for rule in rule_list:
            hit = rule_fires(rule, out)
            if rule.duplicates_only:
                hit &= confirmed | potential
            if section == "confirmed":
                confirmed |= hit
            elif section == "potential":
                potential |= hit
            if section == "flags":
                flags = np.where(hit, flags + rule.name + ";", flags)
            else:
                fired_names = np.where(hit, fired_names + rule.name + ";", fired_names)
            if rule.blocks_merge:
                blocked |= hit
    cls = np.where(blocked, None, np.where(confirmed, CONFIRMED, np.where(potential, POTENTIAL, None)))
    out["duplicate_class"] = cls
    out["rules"] = pd.Series(fired_names, index=out.index).str.rstrip(";")
    out["flags"] = pd.Series(flags, index=out.index).str.rstrip(";")
    return out
