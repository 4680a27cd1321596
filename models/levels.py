"""A tiny vocabulary of comparison conditions that can be written both as SQL
(for Splink on DuckDB or Spark) and as Python (for the real-time scorer).

Why not Splink's comparison_level_library directly? Its levels produce SQL only;
the real-time API must score a pair in microseconds without a database, and the
two must agree to the last bit. So each condition here knows both forms, and
uses only operations whose results are identical in DuckDB, Spark SQL and
rapidfuzz: equality, Levenshtein distance on ASCII keys, absolute differences.
(Jaro-Winkler is avoided: Spark has no built-in one and byte-vs-character
semantics differ between engines.)

Python evaluation follows SQL's three-valued logic (None = unknown), so that
``NOT (a = b)`` with a missing side is unknown, exactly as in SQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from rapidfuzz.distance import Levenshtein

Record = Mapping[str, Any]


def _v(rec: Record, col: str) -> Any:
    val = rec.get(col)
    if val is None:
        return None
    if isinstance(val, float) and val != val:  # NaN from pandas
        return None
    return val


class Cond:
    """Base: ``sql()`` for Splink, ``py(l, r)`` -> True/False/None for the scorer."""

    def sql(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def py(self, l: Record, r: Record) -> bool | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def columns(self) -> set[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def __and__(self, other: "Cond") -> "Cond":
        return And((self, other))

    def __or__(self, other: "Cond") -> "Cond":
        return Or((self, other))

    def __invert__(self) -> "Cond":
        return Not(self)


@dataclass(frozen=True)
class IsNull(Cond):
    """Either side missing: the comparison says nothing."""

    col: str

    def sql(self) -> str:
        return f'({self.col}_l IS NULL OR {self.col}_r IS NULL)'

    def py(self, l, r):
        return _v(l, self.col) is None or _v(r, self.col) is None

    def columns(self):
        return {self.col}


@dataclass(frozen=True)
class BothPresent(Cond):
    col: str

    def sql(self) -> str:
        return f'({self.col}_l IS NOT NULL AND {self.col}_r IS NOT NULL)'

    def py(self, l, r):
        return _v(l, self.col) is not None and _v(r, self.col) is not None

    def columns(self):
        return {self.col}


@dataclass(frozen=True)
class BothStartWith(Cond):
    """Both values begin with ``prefix``: for keyed tokens, both are of one kind ("aad:")."""

    col: str
    prefix: str

    def sql(self) -> str:
        return f"({self.col}_l LIKE '{self.prefix}%' AND {self.col}_r LIKE '{self.prefix}%')"

    def py(self, l, r):
        # as SQL's AND: False when either known side lacks the prefix, else None if one is missing
        return _and3([None if (x := _v(side, self.col)) is None else str(x).startswith(self.prefix)
                      for side in (l, r)])

    def columns(self):
        return {self.col}


@dataclass(frozen=True)
class Exact(Cond):
    col: str

    def sql(self) -> str:
        return f'({self.col}_l = {self.col}_r)'

    def py(self, l, r):
        a, b = _v(l, self.col), _v(r, self.col)
        if a is None or b is None:
            return None
        return a == b

    def columns(self):
        return {self.col}


@dataclass(frozen=True)
class Different(Cond):
    col: str

    def sql(self) -> str:
        return f'({self.col}_l <> {self.col}_r)'

    def py(self, l, r):
        a, b = _v(l, self.col), _v(r, self.col)
        if a is None or b is None:
            return None
        return a != b

    def columns(self):
        return {self.col}


@dataclass(frozen=True)
class LevenshteinAtMost(Cond):
    """Edit distance on ASCII phonetic keys (byte = character there)."""

    col: str
    distance: int

    def sql(self) -> str:
        return f'(levenshtein({self.col}_l, {self.col}_r) <= {self.distance})'

    def py(self, l, r):
        a, b = _v(l, self.col), _v(r, self.col)
        if a is None or b is None:
            return None
        return Levenshtein.distance(a, b, score_cutoff=self.distance + 1) <= self.distance

    def columns(self):
        return {self.col}


@dataclass(frozen=True)
class AbsDiffAtMost(Cond):
    col: str
    diff: int

    def sql(self) -> str:
        return f'(abs({self.col}_l - {self.col}_r) <= {self.diff})'

    def py(self, l, r):
        a, b = _v(l, self.col), _v(r, self.col)
        if a is None or b is None:
            return None
        return abs(int(a) - int(b)) <= self.diff

    def columns(self):
        return {self.col}


@dataclass(frozen=True)
class WordWithinOther(Cond):
    """A one-word name on one side is one of the words of the other side's name.

    "Vijaya" within "Dasari Vijaya" (Telugu: house name first), "Durga" within "Durga
    Kandula". ``words`` holds space-separated ASCII word keys; ``single`` the key of a
    one-word name (else NULL). instr and || behave alike in DuckDB and Spark SQL.
    """

    single: str
    words: str

    def sql(self) -> str:
        def one(a: str, b: str) -> str:
            return f"(instr(' ' || {self.words}_{b} || ' ', ' ' || {self.single}_{a} || ' ') > 0)"
        return f"({one('l', 'r')} OR {one('r', 'l')})"

    def py(self, l, r):
        def one(x, y):
            w, ws = _v(x, self.single), _v(y, self.words)
            if w is None or ws is None:
                return None
            return w in ws.split(" ")
        return _or3([one(l, r), one(r, l)])

    def columns(self):
        return {self.single, self.words}


@dataclass(frozen=True)
class ValuesAre(Cond):
    """The pair's two values are exactly these two, in either order (e.g. kumari/devi)."""

    col: str
    a: str
    b: str

    def sql(self) -> str:
        c = self.col
        return (f"(({c}_l = '{self.a}' AND {c}_r = '{self.b}') OR "
                f"({c}_l = '{self.b}' AND {c}_r = '{self.a}'))")

    def py(self, l, r):
        x, y = _v(l, self.col), _v(r, self.col)
        if x is None or y is None:
            return None
        return {x, y} == {self.a, self.b} if self.a != self.b else (x == y == self.a)

    def columns(self):
        return {self.col}


def _and3(vals):
    if any(v is False for v in vals):
        return False
    if any(v is None for v in vals):
        return None
    return True


def _or3(vals):
    if any(v is True for v in vals):
        return True
    if any(v is None for v in vals):
        return None
    return False


@dataclass(frozen=True)
class And(Cond):
    parts: tuple[Cond, ...]

    def sql(self) -> str:
        return "(" + " AND ".join(p.sql() for p in self.parts) + ")"

    def py(self, l, r):
        return _and3([p.py(l, r) for p in self.parts])

    def columns(self):
        return set().union(*(p.columns() for p in self.parts))


@dataclass(frozen=True)
class Or(Cond):
    parts: tuple[Cond, ...]

    def sql(self) -> str:
        return "(" + " OR ".join(p.sql() for p in self.parts) + ")"

    def py(self, l, r):
        return _or3([p.py(l, r) for p in self.parts])

    def columns(self):
        return set().union(*(p.columns() for p in self.parts))


@dataclass(frozen=True)
class Not(Cond):
    part: Cond

    def sql(self) -> str:
        return f"(NOT {self.part.sql()})"

    def py(self, l, r):
        v = self.part.py(l, r)
        return None if v is None else not v

    def columns(self):
        return self.part.columns()


@dataclass(frozen=True)
class Level:
    """One level of a comparison. ``cond=None`` is the ELSE level."""

    label: str
    cond: Cond | None
    is_null: bool = False
    # Households share phones and accounts: for such levels the u-probability is
    # measured among same-village pairs and fixed, instead of Splink's random pairs.
    fix_u: bool = False
    # A judgement, not learnt: for levels the data cannot teach (e.g. gender differs in
    # an all-women export), m and u are set here and kept fixed through training.
    fixed_m: float | None = None
    fixed_u: float | None = None
    # Plain-words explanation for block managers (English, Hindi).
    explain_en: str = ""
    explain_hi: str = ""
    # Term-frequency adjustment (Splink's): agreeing on a common name ("Sunita") is
    # weaker evidence than on a rare one ("Dhanmati"). The level's weight log2(m/u)
    # becomes log2(m/u) + tf_weight * (log2(u) - log2(frequency of the value)), the
    # frequency being the larger of the two records' (the value's share in its district,
    # smoothed: models/term_frequencies.py).
    tf_column: str | None = None
    tf_weight: float = 1.0
    # What pairs.csv shows for this level, when the label (which rules name and the model
    # file keeps) would mislead a reader: "missing on one side" for two full Aadhaar numbers.
    shown: str = ""

    def sql(self) -> str:
        return "ELSE" if self.cond is None else self.cond.sql()

    def matches(self, l: Record, r: Record) -> bool:
        return True if self.cond is None else self.cond.py(l, r) is True


@dataclass(frozen=True)
class Comparison:
    """A named comparison: ordered levels, first that holds wins (as in SQL CASE)."""

    name: str
    description: str
    levels: tuple[Level, ...]

    def columns(self) -> set[str]:
        return set().union(*(lv.cond.columns() for lv in self.levels if lv.cond is not None))

    def levels_by_gamma(self) -> dict[int, Level]:
        """Splink's numbering: -1 for the null level, then n-1 (strongest) down to 0 (ELSE)."""
        n = sum(1 for lv in self.levels if not lv.is_null)
        out, idx = {}, 0
        for lv in self.levels:
            if lv.is_null:
                out[-1] = lv
            else:
                out[n - 1 - idx] = lv
                idx += 1
        return out

    def gamma_of(self, label: str) -> int:
        for g, lv in self.levels_by_gamma().items():
            if lv.label == label:
                return g
        raise KeyError(label)

    def gamma(self, l: Record, r: Record) -> int:
        """Splink's comparison vector value: -1 null, else levels counted from the bottom."""
        n_non_null = sum(1 for lv in self.levels if not lv.is_null)
        idx = 0
        for lv in self.levels:
            if lv.matches(l, r):
                if lv.is_null:
                    return -1
                return n_non_null - 1 - idx
            if not lv.is_null:
                idx += 1
        raise ValueError(f"comparison {self.name}: no level matched and no ELSE level")

    def to_splink(self) -> dict:
        return {
            "output_column_name": self.name,
            "comparison_description": self.description,
            "comparison_levels": [
                {
                    "sql_condition": lv.sql(),
                    "label_for_charts": lv.label,
                    "is_null_level": lv.is_null,
                    **({"fix_u_probability": True} if lv.fix_u else {}),
                    **({"m_probability": lv.fixed_m, "fix_m_probability": True} if lv.fixed_m else {}),
                    **({"u_probability": lv.fixed_u, "fix_u_probability": True} if lv.fixed_u else {}),
                    # the level's own u is the base (our levels are not plain "col_l = col_r")
                    **({"tf_adjustment_column": lv.tf_column, "tf_adjustment_weight": lv.tf_weight,
                        "disable_tf_exact_match_detection": True} if lv.tf_column else {}),
                }
                for lv in self.levels
            ],
        }
