"""Real-time scorer: the same comparisons as batch, evaluated in Python.

Level conditions come from ``models.member_model`` (the one definition); the
numbers (prior, m and u of every level) come from the trained Splink JSON, and
the weight of each level is read from Splink's own ``ComparisonLevel`` objects
built from that JSON, so batch and real time cannot drift apart numerically.
A pair is scored in tens of microseconds, no database needed.
"""
from __future__ import annotations

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
            text = lv.explain_hi if lang == "hi" else lv.explain_en
            sign = "+" if lv.match_weight >= 0 else "−"
            out.append(f"{sign}{abs(lv.match_weight):.1f} {text}")
        return out


class MemberScorer:
    """Scores pairs of feature records (dicts from ``dedup.features``)."""

    def __init__(self, model_path: str | Path = DEFAULT_MODEL_PATH,
                 comparisons: tuple[Comparison, ...] = COMPARISONS):
        self.model_path = Path(model_path)
        model = json.loads(self.model_path.read_text())
        settings = SettingsCreator.from_path_or_dict(model).get_settings("duckdb")
        self.prior = settings._probability_two_random_records_match
        self.prior_weight = prob_to_match_weight(self.prior)
        by_name = {c.output_column_name: c for c in settings.comparisons}
        self.comparisons = comparisons
        self._weights: list[dict[int, float]] = []
        for comp in comparisons:
            sc = by_name.get(comp.name)
            if sc is None:
                raise ValueError(f"model {self.model_path} has no comparison '{comp.name}'")
            if len(sc.comparison_levels) != len(comp.levels):
                raise ValueError(f"model {self.model_path}: comparison '{comp.name}' has "
                                 f"{len(sc.comparison_levels)} levels; the definition has {len(comp.levels)}")
            self._weights.append({cl.comparison_vector_value: float(cl._match_weight)
                                  for cl in sc.comparison_levels})

    def score(self, left: Mapping[str, Any], right: Mapping[str, Any]) -> PairScore:
        levels = []
        total = self.prior_weight
        for comp, weights in zip(self.comparisons, self._weights):
            g = comp.gamma(left, right)
            w = weights[g]
            total += w
            lv = _level_for_gamma(comp, g)
            levels.append(LevelScore(comp.name, g, lv.label, w, lv.explain_en, lv.explain_hi))
        return PairScore(total, weight_to_probability(total), tuple(levels))


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
def load_scorer(path: str | None = None) -> MemberScorer:
    return MemberScorer(path or DEFAULT_MODEL_PATH)
