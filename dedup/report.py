"""report.html: one self-contained page (inline SVG and CSS, no CDN) for a state team.

Charts are drawn as plain SVG here rather than with Splink's Altair charts,
because those load vega from a CDN and the page must open on an offline
block-office PC.
"""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from dedup import atomic
from dedup.engine import FLOOR_MATCH_WEIGHT
from models.scorer import DEFAULT_MODEL_PATH, MemberScorer
from models.term_frequencies import term_frequencies


def _bar_svg(labels: list[str], values: list[float], *, width=640, height=220, color="#2b6cb0",
             title: str = "") -> str:
    if not values:
        return "<p>(nothing to show)</p>"
    vmax = max(values) or 1
    n = len(values)
    pad_l, pad_b, pad_t = 50, 40, 20
    bw = (width - pad_l - 10) / n
    bars = []
    for i, (lab, v) in enumerate(zip(labels, values)):
        h = (height - pad_b - pad_t) * v / vmax
        x = pad_l + i * bw
        y = height - pad_b - h
        bars.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bw - 2, 1):.1f}" height="{h:.1f}" '
                    f'fill="{color}"><title>{html.escape(lab)}: {v:,.0f}</title></rect>')
        if n <= 30 or i % max(1, n // 15) == 0:
            bars.append(f'<text x="{x + bw / 2:.1f}" y="{height - pad_b + 14}" font-size="10" '
                        f'text-anchor="middle">{html.escape(lab)}</text>')
    axis = (f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - 10}" y2="{height - pad_b}" stroke="#444"/>'
            f'<text x="{pad_l - 5}" y="{pad_t + 5}" font-size="10" text-anchor="end">{vmax:,.0f}</text>'
            f'<text x="{pad_l - 5}" y="{height - pad_b}" font-size="10" text-anchor="end">0</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
            f'aria-label="{html.escape(title)}">{axis}{"".join(bars)}</svg>')


def pick_examples(pairs: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The report's example pairs, a few of each kind a block manager meets: confirmed;
    potential on the score alone, strongest and weakest; potential only through a rule;
    flagged, those kept out of clusters first."""
    flags = pairs["flags"].fillna("")
    rules = pairs["rules"].fillna("")
    potential = pairs[pairs.duplicate_class == "potential"]
    by_score = potential[rules.loc[potential.index].str.contains("score_above_threshold", regex=False)]
    by_rule = potential.drop(by_score.index)
    flagged = pairs[flags != ""]
    pick = pd.concat([
        pairs[pairs.duplicate_class == "confirmed"].head(4),
        by_score.sort_values("match_probability", ascending=False).head(3),
        by_score.sort_values("match_probability").head(3),
        by_rule.sort_values("match_probability").head(4),
        flagged[flagged.duplicate_class.isna()].head(3),
        flagged.head(3),
    ]).drop_duplicates(["member_id_l", "member_id_r"]).head(n)
    if len(pick) < n:
        pick = pd.concat([pick, pairs.head(n)]).drop_duplicates(["member_id_l", "member_id_r"]).head(n)
    return pick


def _member_ids(pick: pd.DataFrame) -> set[str]:
    return set(pick["member_id_l"].astype(str)) | set(pick["member_id_r"].astype(str))


def example_member_ids(pairs: pd.DataFrame) -> set[str]:
    """Members whose features the report needs (the pipeline loads only those)."""
    return _member_ids(pick_examples(pairs))


def _explain_rows(pairs: pd.DataFrame, scorer: MemberScorer, features: pd.DataFrame, n: int = 20,
                  rule_text: dict[str, str] | None = None) -> str:
    """20 example explanations of pairs.csv rows: the starting weight, then each piece of
    evidence with its weight, adding up to the pair's weight; and in plain words why each
    rule or flag fired. ``features``: of at least the members of the picked pairs."""
    rule_text = rule_text or {}
    pick = pick_examples(pairs, n)
    ids = _member_ids(pick)
    f_ids = features["member_id"].astype(str)
    sub = features[f_ids.isin(ids)]
    recs = {str(r["member_id"]): r for r in sub.astype(object).where(sub.notna(), None).to_dict("records")}
    names = {k: r["member_name"] for k, r in recs.items()}
    out = []
    for _, p in pick.iterrows():
        # Re-scored by the real-time scorer with the run's name frequencies: the same
        # numbers Splink gave (tests/test_parity.py), split per comparison.
        s = scorer.score(recs[str(p.member_id_l)], recs[str(p.member_id_r)])
        # levels weighing nothing either way (a missing value, a neutral level) are left out
        items = sorted((lv for lv in s.levels if lv.gamma != -1 and abs(lv.match_weight) >= 0.05),
                       key=lambda lv: -abs(lv.match_weight))
        lis = (f'<li class="start">{scorer.prior_weight:+.1f} starting point: before any evidence, two '
               f'records are rarely the same woman <span class="hi" lang="hi">/ शुरुआत: बिना सबूत के दो '
               f'रिकॉर्ड का एक ही महिला होना दुर्लभ है</span></li>')
        lis += "".join(
            f'<li class="{"for" if lv.match_weight >= 0 else "against"}">{lv.match_weight:+.1f} '
            f'{html.escape(lv.text("en"))} <span class="hi" lang="hi">/ {html.escape(lv.text("hi"))}</span></li>'
            for lv in items)
        lis += f'<li class="total">= {s.match_weight:+.1f} in all</li>'
        fired = [r for r in (p.rules if isinstance(p.rules, str) else "").split(";") if r]
        fired += [f for f in (p["flags"] if isinstance(p["flags"], str) else "").split(";") if f]
        why = "".join(f"<li><code>{html.escape(r)}</code>: {html.escape(rule_text.get(r, ''))}</li>"
                      for r in fired if r != "score_above_threshold")
        l_id, r_id = str(p.member_id_l), str(p.member_id_r)
        who = f'{html.escape(str(names.get(l_id, "")))} ↔ {html.escape(str(names.get(r_id, "")))}'
        cls = str(p.duplicate_class) if isinstance(p.duplicate_class, str) else "flagged"
        flag = p["flags"] if isinstance(p["flags"], str) else ""
        out.append(
            f'<div class="pair"><b>{html.escape(l_id)} ↔ {html.escape(r_id)}</b> {who} — '
            f'<span class="cls {cls}">{cls}</span> '
            f'p={float(p.match_probability):.3f}, weight {float(p.match_weight):+.1f}; '
            f'rules: {html.escape(p.rules if isinstance(p.rules, str) and p.rules else "-")}'
            f'{"; flags: " + html.escape(flag) if flag else ""}<ul>{lis}</ul>'
            f'{"<ul class=why>" + why + "</ul>" if why else ""}</div>')
    return "\n".join(out)


def write_report(path: Path, summary: dict, scored: pd.DataFrame, pairs_out: pd.DataFrame,
                 clusters: pd.DataFrame, features: pd.DataFrame,
                 name_frequencies: dict[str, dict[str, float]] | None = None,
                 rule_text: dict[str, str] | None = None) -> Path:
    """name_frequencies: what the run scored with (models/term_frequencies.py); counted from
    ``features`` when not given. ``features``: of all members, or of at least those of
    ``example_member_ids(pairs_out)``. rule_text: each rule's and flag's description."""
    if name_frequencies is None:
        name_frequencies = term_frequencies(features)
    scorer = MemberScorer(summary.get("model") or DEFAULT_MODEL_PATH, term_frequencies=name_frequencies)
    # Histogram of match weights over all scored pairs kept.
    mw = scored["match_weight"].clip(-15, 35).to_numpy()
    edges = np.arange(-15, 36, 2.5)
    counts, _ = np.histogram(mw, bins=edges)
    labels = [f"{e:g}" for e in edges[:-1]]
    labels[0], labels[-1] = f"≤{edges[1]:g}", f"≥{edges[-2]:g}"  # the ends hold everything beyond
    hist = _bar_svg(labels, counts.tolist(), title="match weight histogram")
    flag_rows = "".join(f"<tr><td style='text-align:left'><code>{html.escape(k)}</code></td><td>{v:,}</td>"
                        f"<td style='text-align:left'>{html.escape((rule_text or {}).get(k, ''))}</td></tr>"
                        for k, v in (summary.get("flags") or {}).items())
    sizes = clusters.loc[clusters.cluster_class != "unique"].groupby("cluster_id").size().value_counts().sort_index()
    size_svg = _bar_svg([str(s) for s in sizes.index], sizes.tolist(), color="#805ad5",
                        title="cluster sizes")
    blocks = summary["by_block"][:25]
    block_svg = _bar_svg([b["block"][:10] for b in blocks], [b["surplus_records"] for b in blocks],
                         color="#c05621", title="surplus records per block")
    block_rows = "".join(
        f"<tr><td>{html.escape(str(b['district']))}</td><td>{html.escape(str(b['block']))}</td>"
        f"<td>{b['members']:,}</td><td>{b['members_in_confirmed_clusters']:,}</td>"
        f"<td>{b['members_in_potential_clusters']:,}</td><td>{b['surplus_records']:,}</td></tr>"
        for b in summary["by_block"][:50])
    examples = _explain_rows(pairs_out, scorer, features, rule_text=rule_text)
    s = summary
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pehchaan de-duplication report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: 3px 8px; text-align: right; }}
th {{ background: #f4f4f4; }} .kpi {{ display: inline-block; margin-right: 2em; }}
.kpi b {{ font-size: 1.6em; display: block; }} .pair {{ margin: .8em 0; padding: .5em; background: #fafafa; }}
li.for {{ color: #22543d; }} li.against {{ color: #9b2c2c; }} .hi {{ color: #555; }}
li.start, li.total {{ color: #444; }} li.total {{ font-weight: bold; list-style: none; }} ul.why {{ font-size: .9em; color: #444; }}
.cls.confirmed {{ background: #fed7d7; padding: 0 4px; }} .cls.potential {{ background: #fefcbf; padding: 0 4px; }}
</style></head><body>
<h1>Pehchaan — member de-duplication report</h1>
<p>Input <code>{html.escape(s['input'])}</code>; engine {html.escape(s['engine'])}; rules
<b>{html.escape(s['rules'])}</b> (potential: match probability ≥ {s['potential_threshold']}, or a
potential rule). Confirmed pairs share an Aadhaar number and cannot be overruled; potential pairs
wait for the block manager's decision.</p>
<div>
<span class="kpi"><b>{s['rows_accepted']:,}</b>members checked</span>
<span class="kpi"><b>{s['rows_rejected']:,}</b>rows rejected</span>
<span class="kpi"><b>{s['pairs_compared']:,}</b>pairs compared</span>
<span class="kpi"><b>{s['pairs']['confirmed']:,}</b>confirmed pairs</span>
<span class="kpi"><b>{s['pairs']['potential']:,}</b>potential pairs</span>
<span class="kpi"><b>{s['clusters']['surplus_records_confirmed']:,}</b>surplus records, certain (Aadhaar)</span>
<span class="kpi"><b>{s['clusters']['surplus_records_potential']:,}</b>surplus records awaiting review</span>
</div>
<h2>Match weight of scored pairs</h2>
<p>{len(scored):,} of the {s['pairs_compared']:,} pairs compared; the rest weighed below
{FLOOR_MATCH_WEIGHT:g} and share no identifier. Pairs to the right are more likely the same woman.
The weight is log<sub>2</sub> of the odds: 0 is even odds, +10 about 1,000 to 1 for, −10 about
1,000 to 1 against.</p>
{hist}
<h2>Duplicate cluster sizes</h2>
{size_svg}
<h2>Duplicates per block</h2>
{block_svg}
<table><tr><th>District</th><th>Block</th><th>Members</th><th>In confirmed clusters</th>
<th>In potential clusters</th><th>Surplus records</th></tr>{block_rows}</table>
<h2>Flags</h2>
<table>{flag_rows or "<tr><td>none</td></tr>"}</table>
<h2>Example explanations</h2>
<p>Each line is one piece of evidence: its weight (+ for, − against) and what it means. The
weights add up to the pair's weight; evidence that weighs nothing either way (a value missing on
one side) is not shown.</p>
{examples}
</body></html>"""
    atomic.write_text(path, page)
    return path
