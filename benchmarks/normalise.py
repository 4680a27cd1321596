"""Name normalisation throughput: ``python -m benchmarks.normalise --rows 1000000``.

Rows are drawn with Zipf-like repetition from a pool of unique name strings built the way
MIS exports look: mixed scripts (about half Latin, the rest over the nine Indic scripts),
honorifics, titles, surnames, "W/O ..." relations, run-together and upper-case forms.
Prints names/s for the cached ``parse_name`` (cold caches at start), and, in the same
process, names/s with every cache bypassed on a sample, and the ratio of the two.
Never asserted in tests: timings belong here.
"""
from __future__ import annotations

import argparse
import contextlib
import random
import time

from indic_transliteration import sanscript

import dedup.names as names_mod
import dedup.phonetic as phonetic_mod
import dedup.scripts as scripts_mod
from dedup.names import parse_name
from dedup.phonetic import _data

# How often each script appears among the unique strings (Latin dominates exports).
_SCRIPT_SHARE = [
    (None, 0.50), (sanscript.DEVANAGARI, 0.18), (sanscript.BENGALI, 0.07), (sanscript.ORIYA, 0.05),
    (sanscript.TAMIL, 0.04), (sanscript.TELUGU, 0.04), (sanscript.KANNADA, 0.04),
    (sanscript.GUJARATI, 0.03), (sanscript.MALAYALAM, 0.03), (sanscript.GURMUKHI, 0.02),
]
_ENDINGS = ["", "", "", "mati", "wati", "lata", "bala", "rani", "kumari", "priya", "devi", "bai"]
_PREFIXES = ["", "", "", "", "ram", "shiv", "raj", "phool", "sona", "chandra"]


def _native(latin: str, scheme: str) -> str:
    # sanscript's Latin -> Indic direction is not right for reading names, but it writes
    # plausible-looking script strings, which is all a throughput pool needs.
    return sanscript.transliterate(latin.lower(), sanscript.HK, scheme)


def build_pool(n_unique: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    d = _data()
    given = sorted({str(x) for x in d["common_names"]})
    surnames = sorted({str(x) for x in d["surnames"]})
    titles = ["devi", "kumari", "devi", "devi", "khatun", "begum", "bibi", "bai", "ben", "kaur"]
    pool: set[str] = set()
    while len(pool) < n_unique:
        g = rng.choice(_PREFIXES) + rng.choice(given) + rng.choice(_ENDINGS)
        form = rng.random()
        if form < 0.30:
            parts = [g, rng.choice(titles)]
        elif form < 0.45:
            parts = [g, rng.choice(titles), rng.choice(surnames)]
        elif form < 0.60:
            parts = [g, rng.choice(surnames)]
        elif form < 0.70:
            parts = ["smt", g, rng.choice(titles)]
        elif form < 0.80:
            parts = [g, rng.choice(titles), "w/o", rng.choice(given), rng.choice(surnames)]
        elif form < 0.85:
            parts = [g + rng.choice(titles)]
        else:
            parts = [g]
        r, scheme = rng.random(), None
        for s, share in _SCRIPT_SHARE:
            r -= share
            if r <= 0:
                scheme = s
                break
        if scheme is None:
            text = " ".join(parts)
            style = rng.random()
            text = text.upper() if style < 0.4 else text.title() if style < 0.8 else text
            if rng.random() < 0.1:
                text = text.replace(" ", "  ") + rng.choice([".", " ", ","])
        else:
            text = " ".join(p if p == "w/o" else _native(p, scheme) for p in parts)
        pool.add(text)
    out = sorted(pool)
    rng.shuffle(out)
    return out


def draw_rows(pool: list[str], n_rows: int, zipf_s: float = 1.05, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    weights = [1.0 / (rank ** zipf_s) for rank in range(1, len(pool) + 1)]
    rows = rng.choices(pool, weights=weights, k=n_rows)
    # every unique string appears at least once, as in a real export
    rows[: len(pool)] = pool if n_rows >= len(pool) else rows[: len(pool)]
    rng.shuffle(rows)
    return rows


def _clear_caches() -> None:
    for fn in (parse_name, scripts_mod.to_latin, scripts_mod.read_word, phonetic_mod.raw_key,
               phonetic_mod.word_key, names_mod.normalise_place):
        fn.cache_clear()


@contextlib.contextmanager
def _uncached():
    """Swap every per-string cache for the plain function (tables stay loaded)."""
    swaps = [
        (phonetic_mod, "raw_key"), (phonetic_mod, "word_key"), (names_mod, "raw_key"),
        (names_mod, "word_key"), (scripts_mod, "read_word"), (names_mod, "to_latin"),
    ]
    saved = [(mod, attr, getattr(mod, attr)) for mod, attr in swaps]
    try:
        for mod, attr, fn in saved:
            setattr(mod, attr, fn.__wrapped__)
        yield parse_name.__wrapped__
    finally:
        for mod, attr, fn in saved:
            setattr(mod, attr, fn)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--unique", type=int, default=60_000, help="unique name strings in the pool")
    ap.add_argument("--baseline-rows", type=int, default=30_000, help="rows timed without any cache")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    pool = build_pool(args.unique)
    rows = draw_rows(pool, args.rows)
    scripts = {}
    for text in pool:
        for s in scripts_mod.detect_scripts(text):
            scripts[s] = scripts.get(s, 0) + 1
    print(f"pool: {len(pool):,} unique strings, {args.rows:,} rows (built in {time.perf_counter() - t0:.1f}s)")
    print("scripts in pool: " + ", ".join(f"{k} {v:,}" for k, v in sorted(scripts.items(), key=lambda kv: -kv[1])))

    parse_name("warm up the tables")  # YAML and per-script tables load once per process
    _clear_caches()
    t0 = time.perf_counter()
    for text in rows:
        parse_name(text)
    cached_s = time.perf_counter() - t0
    cached_rate = args.rows / cached_s
    info = parse_name.cache_info()
    print(f"cached:   {args.rows:,} rows in {cached_s:.2f}s = {cached_rate:,.0f} names/s "
          f"({info.misses:,} unique parsed, {info.hits:,} cache hits)")

    sample = rows[: args.baseline_rows]
    with _uncached() as parse_uncached:
        t0 = time.perf_counter()
        for text in sample:
            parse_uncached(text)
        base_s = time.perf_counter() - t0
    base_rate = len(sample) / base_s
    print(f"uncached: {len(sample):,} rows in {base_s:.2f}s = {base_rate:,.0f} names/s "
          f"(1M rows would take {1_000_000 / base_rate:.0f}s)")
    print(f"ratio cached/uncached: {cached_rate / base_rate:.1f}x")
    print(f"1M rows at the cached rate: {1_000_000 / cached_rate:.1f}s")


if __name__ == "__main__":  # pragma: no cover
    main()
