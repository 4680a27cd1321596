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
PROBABILITY_DECIMALS = 6  # as pairs.csv / pairs.parquet hold match_probability
RULE_KEYS = ("name", "description", "when", "any_of", "min_probability", "facts")
FLAG_ONLY_KEYS = ("duplicates_only", "blocks_merge")


def _unknown_key(key: object, known: tuple[str, ...], where: str) -> RuleError:
    close = get_close_matches(str(key), known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return RuleError(f"{where}: unknown setting '{key}'{hint}. Allowed: {', '.join(known)}")


SECTIONS = ("confirmed", "potential", "flags")


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, line: int, first_line: int):
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping: plain YAML keeps
    only the last one, so a second 'potential:' would silently drop the first."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first_line = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    if key in first_line:
                        raise _DuplicateKey(key, key_node.start_mark.line + 1, first_line[key])
                    first_line[key] = key_node.start_mark.line + 1
                except TypeError:  # unhashable key: SafeLoader reports it itself
                    continue
        return super().construct_mapping(node, deep=deep)


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


def _probability(value: object, key: str, where: str, also: str = "") -> float:
    """A number read from YAML. true/false are refused: Python would read 'yes' as 1.0
    and 'no' as 0.0, so a rule meant to be switched off would fire on every pair."""
    if isinstance(value, bool):
        raise RuleError(f"{where}: {key} must be a number between 0 and 1{' ' + also if also else ''}, "
                        f"not yes/no or true/false (got {value!r})")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RuleError(f"{where}: {key} must be a number between 0 and 1"
                        f"{' ' + also if also else ''}, got {value!r}") from None


def _levels(cond: object, key: str, where: str) -> dict[str, tuple[str, ...]]:
    """'when'/'any_of' as comparison -> levels. An empty list is refused: no pair is at
    none of the levels, so the rule would silently never fire."""
    if cond is None:
        return {}
    if not isinstance(cond, dict):
        raise RuleError(f"{where}: '{key}' must map comparison names to lists of levels, "
                        f"e.g. 'first_name: [same spelling]'")
    out = {}
    for comp, labels in cond.items():
        labels = tuple(labels if isinstance(labels, list) else [] if labels is None else [labels])
        if not labels:
            raise RuleError(f"{where}: '{key}' lists no levels for '{comp}', so the rule could never "
                            f"fire. List at least one, e.g. '{comp}: [level name]', or remove '{comp}'")
        out[comp] = labels
    return out


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
    when = _levels(raw.get("when"), "when", where)
    any_of = _levels(raw.get("any_of"), "any_of", where)
    for cond in (when, any_of):
        for comp, labels in cond.items():
            for label in labels:
                _gamma_of(comps, comp, label, where)
    mp = raw.get("min_probability")
    if mp == "threshold":
        mp = threshold
    elif mp is not None:
        mp = _probability(mp, "min_probability", where, "or 'threshold'")
        if not 0 <= mp <= 1:
            raise RuleError(f"{where}: min_probability must be between 0 and 1, got {mp}")
    facts = raw.get("facts")
    if isinstance(facts, str):  # "facts: different_shg_same_vo" means a list of one
        facts = [facts]
    if facts is not None and not isinstance(facts, list):
        raise RuleError(f"{where}: 'facts' must be a list of fact names, e.g. 'facts: [{next(iter(KNOWN_FACTS))}]'")
    facts = tuple(facts or ())
    for fact in facts:
        if not isinstance(fact, str) or fact not in KNOWN_FACTS:
            raise RuleError(f"{where}: unknown fact '{fact}'. Known: {', '.join(KNOWN_FACTS)}")
    if not when and not any_of and mp is None and not facts:
        raise RuleError(f"{where}: a rule needs 'when', 'any_of', 'facts' or 'min_probability'")
    return Rule(raw["name"], " ".join(str(raw.get("description", "")).split()), when, any_of, mp,
                facts, bool(raw.get("duplicates_only", False)), bool(raw.get("blocks_merge", False)))


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise RuleError(f"rule file not found: {path}") from None
    except IsADirectoryError:
        raise RuleError(f"{path} is a folder, not a rule file") from None
    except UnicodeDecodeError:
        raise RuleError(f"{path} is not UTF-8 text: save it as UTF-8 (or is it not a rule file?)") from None
    except OSError as e:
        raise RuleError(f"cannot read rule file {path}: {e.strerror or e}") from None
    except _DuplicateKey as e:
        raise RuleError(f"{path}, line {e.line}: '{e.key}' is written twice in the same place "
                        f"(first on line {e.first_line}); only the last one would be used. "
                        "Write it once, with everything under it") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f", line {mark.line + 1}" if mark is not None else ""
        raise RuleError(f"{path}{at}: not valid YAML ({e.__class__.__name__}: {getattr(e, 'problem', e)})") from None
    if not isinstance(data, dict):
        raise RuleError(f"{path}: expected a mapping of settings at the top level")
    for key in data:
        if key not in FILE_KEYS:
            raise _unknown_key(key, FILE_KEYS, str(path))
    for section in SECTIONS:
        rules = data.get(section)
        if rules is None:
            continue
        if not isinstance(rules, list):
            raise RuleError(f"{path}: '{section}' must be a list of rules, each starting with '- name:'")
        # Checked here, per file, because rules are merged by name before they are parsed.
        for i, r in enumerate(rules, 1):
            if not isinstance(r, dict):
                raise RuleError(f"{path}: '{section}' rule number {i} ({r!r}) is not a rule: each rule "
                                "is a set of settings starting with '- name:', e.g. '- name: my_rule'")
            if not isinstance(r.get("name"), str) or not r["name"].strip():
                raise RuleError(f"{path}: '{section}' rule number {i} needs a name, written as "
                                "'- name: my_rule' (a state file replaces a rule by its name)")
        names = [r["name"] for r in rules]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise RuleError(f"{path}: '{section}' has two rules named {', '.join(twice)}; "
                            "names must differ (a state file replaces a rule by its name)")
    return data


def _merge(base: dict, override: dict) -> dict:
    """Override keeps base rules and adds/replaces rules by name, section by section."""
    out = dict(base)
    for key, val in override.items():
        if key in SECTIONS:
            by_name = {r["name"]: r for r in base.get(key) or []}
            for r in val or []:
                by_name[r["name"]] = r
            out[key] = list(by_name.values())
        elif key != "extends":
            out[key] = val
    return out


def _check_new_names(base: dict, override: dict, origin: dict, base_path: Path) -> None:
    """A new rule named almost like a base rule is a misspelt override: it would add a
    rule and leave the one meant to be replaced unchanged."""
    for section in SECTIONS:
        base_names = [r["name"] for r in base.get(section) or []]
        for r in override.get(section) or []:
            if r["name"] in base_names:
                continue
            close = get_close_matches(r["name"], base_names, n=1, cutoff=0.85)
            if close:
                raise RuleError(
                    f"{origin[section, r['name']]} [{section}] rule '{r['name']}': {base_path.name} has no "
                    f"rule of that name, but has '{close[0]}'. To replace that rule, use its exact name; "
                    "to add a new rule, choose a name that is clearly different")


def load_rules(path: str | Path | None = None, *, state: str | None = None) -> RuleSet:
    """The default rules, a state's override (by name) or a rules file (by path)."""
    if path is None and state:
        path = RULES_DIR / "states" / f"{state.lower()}.yaml"
        if not path.exists():
            known = sorted(p.stem for p in (RULES_DIR / "states").glob("*.yaml"))
            raise RuleError(f"no rule file for state '{state}'. Known states: {', '.join(known)}")
    path = Path(path) if path else RULES_DIR / "default.yaml"
    data = _read_yaml(path)
    origin = {(s, r["name"]): path for s in SECTIONS for r in data.get(s) or []}  # for messages
    seen = {path.resolve()}
    while data.get("extends"):
        parent = data["extends"]
        ppath = RULES_DIR / f"{parent}.yaml" if not str(parent).endswith(".yaml") else path.parent / parent
        if ppath.resolve() in seen:
            raise RuleError(f"{path}: 'extends' loops back to {ppath}")
        seen.add(ppath.resolve())
        base = _read_yaml(ppath)
        _check_new_names(base, data, origin, ppath)
        for s in SECTIONS:
            for r in base.get(s) or []:
                origin.setdefault((s, r["name"]), ppath)
        data = _merge(base, {**data, "extends": base.get("extends")})
    threshold = _probability(data.get("potential_threshold", 0.9), "potential_threshold", str(path))
    if not 0 < threshold < 1:
        raise RuleError(f"{path}: potential_threshold must be between 0 and 1, got {threshold}")
    sections = {}
    for section in SECTIONS:
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
        # as pairs.csv shows it (6 decimals): a pair shown as 0.800000 is at a 0.80 threshold,
        # and DuckDB's and Spark's last-bit differences cannot put a pair on both sides
        shown = np.round(pairs["match_probability"].to_numpy(dtype=float), PROBABILITY_DECIMALS)
        fired &= shown >= rule.min_probability
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
            if rule.duplicates_only:  # still a duplicate: classed, and not taken out by a flag above
                hit &= (confirmed | potential) & ~blocked
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
