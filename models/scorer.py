"""Real-time scorer: the same comparisons as batch, evaluated in Python.

Level conditions come from ``models.member_model`` (the one definition); the
numbers (prior, m and u of every level) come from the trained Splink JSON, and
the weight of each level is read from Splink's own ``ComparisonLevel`` objects
built from that JSON, so batch and real time cannot drift apart numerically.
Name-frequency adjustments use the frequencies the caller gives (batch counts
them over its input; see models/term_frequencies.py). A pair is scored in tens
of microseconds, no database needed.
"""
from __future__ import annotations

import hashlib

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from splink.internals.misc import prob_to_match_weight
from splink.internals.settings_creator import SettingsCreator

from models.levels import Comparison
from models.member_model import COMPARISONS

DEFAULT_MODEL_PATH = Path(__file__).with_name("member_model.json")


@dataclass(frozen=True)
class LevelScore:
    comparison: str
    gamma: int
    label: str
    match_weight: float
    explain_en: str
    explain_hi: str
    # part of match_weight due to how common the name is (negative: common name)
    tf_adjustment: float = 0.0

    def text(self, lang: str = "en") -> str:
        """The level's explanation, saying when a value's frequency moved the weight."""
        base = self.explain_hi if lang == "hi" else self.explain_en
        if abs(self.tf_adjustment) < 1:
            return base
        common, rare = _FREQUENCY_NOTES.get(self.comparison, _FREQUENCY_NOTES["name"])
        en, hi = common if self.tf_adjustment < 0 else rare
        return f"{base} ({hi if lang == 'hi' else en})"


# How an explanation says that a value's frequency moved a level's weight.
_FREQUENCY_NOTES = {
    "name": (("a common name: weaker evidence", "आम नाम: कमज़ोर प्रमाण"),
             ("a rare name: stronger evidence", "दुर्लभ नाम: मज़बूत प्रमाण")),
}


@dataclass(frozen=True)
class PairScore:
    match_weight: float
    match_probability: float
    levels: tuple[LevelScore, ...] = field(default_factory=tuple)

    def level_of(self, comparison: str) -> LevelScore:
        return next(lv for lv in self.levels if lv.comparison == comparison)

    def explanation(self, lang: str = "en", top: int | None = None) -> list[str]:
        """Evidence for and against, strongest first, as sentences."""
        items = sorted((lv for lv in self.levels if lv.gamma != -1), key=lambda lv: -abs(lv.match_weight))
        out = []
        for lv in items[:top]:
            sign = "+" if lv.match_weight >= 0 else "−"
            out.append(f"{sign}{abs(lv.match_weight):.1f} {lv.text(lang)}")
        return out


@dataclass(frozen=True)
class _LevelNumbers:
    """A level's weight and, for name levels, what its term-frequency adjustment needs."""
    weight: float
    tf_column: str | None = None
    tf_weight: float = 0.0
    log2_u: float = 0.0
    tf_minimum_u: float = 0.0


class MemberScorer:
    """Scores pairs of feature records (dicts from ``dedup.features``).

    ``term_frequencies`` (a run's name_frequencies.parquet via
    ``models.term_frequencies.from_long``, or ``term_frequencies(population)``) makes
    agreement on a common name or date weigh less than on a rare one, exactly as in
    batch. Without it nothing is adjusted, which is what Splink does for a value
    missing from its frequency table.
    """

    def __init__(self, model_path: str | Path = DEFAULT_MODEL_PATH,
                 comparisons: tuple[Comparison, ...] = COMPARISONS,
                 term_frequencies: Mapping[str, Mapping[str, float]] | None = None):
        self.model_path = Path(model_path)
        self.term_frequencies = term_frequencies or {}
        model = json.loads(self.model_path.read_text())
        _check_model(model, comparisons, f"model {self.model_path}")
        settings = SettingsCreator.from_path_or_dict(model).get_settings("duckdb")
        self.prior = settings._probability_two_random_records_match
        self.prior_weight = prob_to_match_weight(self.prior)
        by_name = {c.output_column_name: c for c in settings.comparisons}
        self.comparisons = comparisons
        self._levels = [{cl.comparison_vector_value: _numbers(cl) for cl in by_name[comp.name].comparison_levels}
                        for comp in comparisons]

    def _tf_adjustment(self, n: _LevelNumbers, left: Mapping[str, Any], right: Mapping[str, Any]) -> float:
        """Splink's ComparisonLevel._tf_adjustment_sql, in Python."""
        table = self.term_frequencies.get(n.tf_column)
        if not table:
            return 0.0
        a, b = left.get(n.tf_column), right.get(n.tf_column)
        tf_l = table.get(a) if a is not None else None
        tf_r = table.get(b) if b is not None else None
        if tf_l is None and tf_r is None:
            return 0.0
        tf = max(tf_l if tf_l is not None else tf_r, tf_r if tf_r is not None else tf_l, n.tf_minimum_u)
        return n.tf_weight * (n.log2_u - math.log2(tf))

    def score(self, left: Mapping[str, Any], right: Mapping[str, Any]) -> PairScore:
        levels = []
        total = self.prior_weight
        for comp, numbers in zip(self.comparisons, self._levels):
            g = comp.gamma(left, right)
            n = numbers[g]
            adj = self._tf_adjustment(n, left, right) if n.tf_column else 0.0
            w = n.weight + adj
            total += w
            lv = _level_for_gamma(comp, g)
            levels.append(LevelScore(comp.name, g, lv.label, w, lv.explain_en, lv.explain_hi, adj))
        return PairScore(total, weight_to_probability(total), tuple(levels))


_RETRAIN = ("was this model trained for another version of the comparisons? "
            "Retrain with --train or use the shipped model")


def _check_model(model: dict, comparisons: tuple[Comparison, ...], where: str) -> None:
    """Refuse (ValueError) a model file that would be scored differently than the definition.

    Splink reads what it finds and fills in what it does not: a missing prior becomes its
    default, m = 5 is used as given, and batch runs the file's SQL while real time runs the
    definition's, and rules name levels by label. So every level's form (label, SQL,
    null-level flag, name-frequency column and weight) must be the definition's, in its
    order, and its numbers must be probabilities. Checked on the JSON before Splink reads
    it, so the message is ours, not a stack trace later.
    """
    prior = model.get("probability_two_random_records_match")
    if not _is_probability(prior) or prior == 1:
        raise ValueError(f"{where}: probability_two_random_records_match is {prior!r}; it must be a "
                         "number strictly between 0 and 1 (Splink would silently use its default if "
                         f"missing); {_RETRAIN}")
    in_file = [c.get("output_column_name") for c in model.get("comparisons") or []]
    wanted = [c.name for c in comparisons]
    extra = sorted({n for n in in_file if n not in wanted or in_file.count(n) > 1}, key=str)
    if extra:
        raise ValueError(f"{where}: comparison(s) {extra} are not in the definition or appear more than "
                         f"once (batch would add their weights, real time would not); {_RETRAIN}")
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    for comp in comparisons:
        if comp.name not in by_name:
            raise ValueError(f"{where} has no comparison '{comp.name}'; {_RETRAIN}")
        levels = by_name[comp.name].get("comparison_levels") or []
        if len(levels) != len(comp.levels):
            raise ValueError(f"{where}: comparison '{comp.name}' has {len(levels)} levels; "
                             f"the definition has {len(comp.levels)}; {_RETRAIN}")
        defined = comp.to_splink()["comparison_levels"]
        labels = [lv.get("label_for_charts") for lv in levels]
        if labels != [d["label_for_charts"] for d in defined] and \
                sorted(map(str, labels)) == sorted(d["label_for_charts"] for d in defined):
            raise ValueError(f"{where}: comparison '{comp.name}' has its levels in another order than "
                             f"the definition ({labels}); {_RETRAIN}")
        for i, (level, want) in enumerate(zip(levels, defined), 1):
            at = f"{where}: comparison '{comp.name}', level {i} ('{want['label_for_charts']}')"
            got, expected = _form(level), _form(want)
            for what in expected:
                if got[what] != expected[what]:
                    raise ValueError(f"{at}: {what} is {got[what]!r}, the definition has "
                                     f"{expected[what]!r}; {_RETRAIN}")
            if level.get("is_null_level"):
                continue
            for k in ("m_probability", "u_probability"):
                if not _is_probability(level.get(k)):
                    raise ValueError(f"{at}: {k} is {level.get(k)!r}; it must be a probability "
                                     f"above 0 and at most 1 (a corrupted or hand-edited file?); {_RETRAIN}")


def _form(level: dict) -> dict:
    """What a level is, as opposed to its trained numbers; SQL with whitespace normalised."""
    tf = level.get("tf_adjustment_column")
    return {
        "label": level.get("label_for_charts"),
        "SQL condition": " ".join(str(level.get("sql_condition")).split()),
        "null-level flag": bool(level.get("is_null_level")),
        "name-frequency column (tf_adjustment_column)": tf,
        # Splink's default weight is 1 when a column is given without one
        "name-frequency weight": level.get("tf_adjustment_weight", 1.0) if tf else None,
    }


def _is_probability(v: Any) -> bool:
    """A number in (0, 1]; NaN, bools and strings are not."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 1


def _numbers(cl) -> _LevelNumbers:
    """Weight and term-frequency inputs of one of Splink's ComparisonLevel objects."""
    weight = float(cl._match_weight)
    col = cl._tf_adjustment_column
    if (col is None or cl.comparison_vector_value == -1 or cl._is_else_level
            or not cl._tf_adjustment_weight):
        return _LevelNumbers(weight)
    return _LevelNumbers(weight, str(col), float(cl._tf_adjustment_weight), math.log2(cl.u_probability),
                         float(cl._tf_minimum_u_value))


def weight_to_probability(mw: float) -> float:
    """As Splink computes it, stable for large |mw|."""
    if mw >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -mw))
    p = math.pow(2.0, mw)
    return p / (1.0 + p)


@lru_cache(maxsize=None)
def _level_table(comp: Comparison) -> dict:
    return comp.levels_by_gamma()


def _level_for_gamma(comp: Comparison, gamma: int):
    return _level_table(comp)[gamma]


@lru_cache(maxsize=4)
def model_sha256(path) -> str:
    """What a model file holds, as one hash: two runs scored alike if these are equal, wherever
    their files lie (summary.json records it; the national pass compares it)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_scorer(path: str | None = None) -> MemberScorer:
    """A cached scorer without name frequencies (unadjusted name weights): for checks and
    examples. Scoring a profile against a population needs
    ``MemberScorer(path, term_frequencies=term_frequencies(population))``."""
    return MemberScorer(path or DEFAULT_MODEL_PATH)
