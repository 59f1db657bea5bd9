"""Choose `fit --best`'s top-fit rule on VALIDATION sets (never the benchmark's own sets).

Run: python benchmarks/fitting_rules.py [--repeats 5] [--out FILE]

The data are drawn from the same true families and sizes as benchmarks/fitting.py, but with
other seeds (10_000 + 100 * repeat + set index; the benchmark uses 0 + set index), several
draws per set. distkit ranks each one once (`--scipy`, the benchmark's 17 continuous families,
every discrete one for whole numbers); each rule then picks a top fit from the same ranked
fits, and the top fit's CDF distance to the true distribution is averaged over the sets.

The rules (declared before looking at any result): lowest AIC (the default before), and the
parsimony rule of Burnham and Anderson (among fits within 2 of the lowest AIC, the one with
the fewest free parameters). The default criterion stays AIC (`--by` is a documented
contract), so the choice is between those two: the one with the lower mean distance over the
continuous validation sets, as long as its worst discrete distance stays within 0.03. AICc
and BIC, with and without the rule, are printed for information only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from fitting import CONTINUOUS, DISCRETE, DISCRETE_GOAL, FAMILIES, cdf_distance, quiet

from distkit.distributions.candidates import Scored
from distkit.distributions.ranking import RankSettings, _key, parsimonious, rank_data
from distkit.distributions.scipy_families import all_families

SEED_BASE = 10_000
RULES = ["aic", "aic+parsimony", "aicc", "aicc+parsimony", "bic", "bic+parsimony"]
CHOSEN_AMONG = ["aic", "aic+parsimony"]


def top_by(rule: str, group: list[Scored]) -> Scored:
    criterion, _, extra = rule.partition("+")
    if extra == "parsimony":
        return parsimonious(group, criterion)
    return min(group, key=lambda s: (_key(s, criterion), s.criteria.bic))


def ranked_fits(data: np.ndarray, discrete: bool) -> list[Scored]:
    names = all_families(discrete=True) if discrete else list(FAMILIES)
    settings = RankSettings(scipy=True, families=tuple(names), parsimony=False)
    ranking = rank_data(None, data, Path("validation"), settings)
    return [entry.scored for entry in ranking.of_kind(ranking.top_kind)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="draws per set and size")
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sets = [(name, truth, False) for name, truth in CONTINUOUS.items()]
    sets += [(name, truth, True) for name, truth in DISCRETE.items()]
    distances: dict[tuple[str, bool], list[float]] = {}
    lines = ["| set | n | seed | " + " | ".join(RULES) + " |", "|---" * (3 + len(RULES)) + "|"]
    for repeat in range(args.repeats):
        for index, (name, truth, discrete) in enumerate(sets):
            for size in sizes:
                seed = SEED_BASE + 100 * repeat + index
                data = np.asarray(truth.rvs(size, random_state=seed), dtype=float)
                with quiet():
                    group = ranked_fits(data, discrete)
                cells = []
                for rule in RULES:
                    top = top_by(rule, group)
                    assert top.fit.scipy is not None
                    distance = cdf_distance(top.fit.scipy.frozen(), truth, discrete=discrete)
                    distances.setdefault((rule, discrete), []).append(distance)
                    cells.append(f"{top.fit.candidate.name} {distance:.4f}")
                lines.append(f"| {name} | {size:,} | {seed} | " + " | ".join(cells) + " |")
                print(lines[-1], flush=True)
    lines += ["", "| rule | continuous mean | continuous worst | discrete mean | discrete worst |"]
    lines.append("|---|---|---|---|---|")
    summary: dict[str, tuple[float, float]] = {}
    for rule in RULES:
        cont, disc = distances[(rule, False)], distances[(rule, True)]
        summary[rule] = (statistics.fmean(cont), max(disc))
        lines.append(
            f"| {rule} | {statistics.fmean(cont):.4f} | {max(cont):.4f} | "
            f"{statistics.fmean(disc):.4f} | {max(disc):.4f} |"
        )
    allowed = [r for r in CHOSEN_AMONG if summary[r][1] <= DISCRETE_GOAL] or CHOSEN_AMONG
    chosen = min(allowed, key=lambda r: summary[r][0])
    lines += ["", f"chosen (among {', '.join(CHOSEN_AMONG)}): {chosen}"]
    report = "\n".join(lines[-(len(RULES) + 5) :])
    print("\n" + report)
    if args.out is not None:
        args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
