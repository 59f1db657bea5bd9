"""Time distkit.distributions against numpy/scipy.stats and a course-style plain-Python version.

Run: python benchmarks/distributions.py [--repeats 5] [--quick]

Each timing is the median of several repeats on the same input. The plain-Python version
(loops and the math module, as the course's code does) runs on a smaller n and is scaled up
linearly to the full n; the table says so. Goals: within 1.5x of scipy.stats for the same maths,
read_data_file within 2x of numpy.loadtxt or faster.

Last, the memory of reading a 10^7-line file (--memory-lines): each reader runs once in its own
process, which reports its peak resident memory above what it held before the read (Linux's
VmHWM - VmRSS). Goal: read_data_file at most 2x numpy.loadtxt's peak.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
from _timing import median_time
from scipy import stats

from distkit.distributions import Binomial, Gaussian

PEER_GOAL = 1.5
READ_GOAL = 2.0


# The course's way: Python lists, loops and the math module.


def course_mean(data: list[float]) -> float:
    return 1.0 * sum(data) / len(data)


def course_fit(data: list[float]) -> tuple[float, float]:
    mean = course_mean(data)
    sigma = 0.0
    for d in data:
        sigma += (d - mean) ** 2
    return mean, math.sqrt(sigma / (len(data) - 1))


def course_gaussian_pdf(xs: list[float], mu: float, sigma: float) -> list[float]:
    return [
        (1.0 / (sigma * math.sqrt(2 * math.pi))) * math.exp(-0.5 * ((x - mu) / sigma) ** 2)
        for x in xs
    ]


def course_gaussian_cdf(xs: list[float], mu: float, sigma: float) -> list[float]:
    return [0.5 * (1 + math.erf((x - mu) / (sigma * math.sqrt(2)))) for x in xs]


def course_binomial_pmf(k: int, p: float, n: int) -> float:
    a = math.factorial(n) / (math.factorial(k) * math.factorial(n - k))
    return a * (p**k) * (1 - p) ** (n - k)


def course_binomial_pdf(ks: list[int], p: float, n: int) -> list[float]:
    return [course_binomial_pmf(k, p, n) for k in ks]


def course_binomial_cdf(ks: list[int], p: float, n: int) -> list[float]:
    return [sum(course_binomial_pmf(j, p, n) for j in range(k + 1)) for k in ks]


def course_read(path: Path) -> list[float]:
    values = []
    with open(path) as file:
        line = file.readline()
        while line:
            values.append(float(line))
            line = file.readline()
    return values


@dataclass
class Row:
    case: str
    n: int
    distkit: float
    peer_name: str
    peer: float
    goal: float | None
    course: float | None = None  # measured on course_n points
    course_n: int | None = None

    def course_scaled(self) -> float | None:
        """The plain-Python time scaled linearly from course_n to n points."""
        if self.course is None or self.course_n is None:
            return None
        return self.course * self.n / self.course_n


def run(n: int, lines: int, course_n: int, repeats: int) -> list[Row]:
    rng = np.random.default_rng(20261124)
    mu, sigma, p, size, big = 25.0, 2.0, 0.4, 50, 10**9
    gaussian, binomial, wide = Gaussian(mu, sigma), Binomial(p, size), Binomial(p, big)
    points = rng.normal(mu, sigma, n)
    counts = rng.binomial(size, p, n).astype(np.float64)
    wide_n = max(n // 100, 1)
    wide_counts = rng.binomial(big, p, wide_n).astype(np.float64)
    few_points, few_counts = points[:course_n].tolist(), counts[:course_n].astype(int).tolist()
    cdf_n = max(course_n // 10, 1)

    def timed(function: Callable[[], Any]) -> float:
        return median_time(function, repeats)

    def course(function: Callable[[], Any], measured_n: int) -> dict[str, Any]:
        return {"course": median_time(function, max(1, repeats // 2)), "course_n": measured_n}

    rows = [
        Row("Gaussian.fit", n, timed(lambda: Gaussian.fit(points)),
            "scipy.stats.norm.fit", timed(lambda: stats.norm.fit(points)), PEER_GOAL,
            **course(lambda: course_fit(few_points), course_n)),
        Row("Gaussian.pdf", n, timed(lambda: gaussian.pdf(points)),
            "scipy.stats.norm.pdf", timed(lambda: stats.norm.pdf(points, mu, sigma)), PEER_GOAL,
            **course(lambda: course_gaussian_pdf(few_points, mu, sigma), course_n)),
        Row("Gaussian.cdf", n, timed(lambda: gaussian.cdf(points)),
            "scipy.stats.norm.cdf", timed(lambda: stats.norm.cdf(points, mu, sigma)), PEER_GOAL,
            **course(lambda: course_gaussian_cdf(few_points, mu, sigma), course_n)),
        Row("Binomial.fit(size=n)", n, timed(lambda: Binomial.fit(counts, size=size)),
            "numpy mean/n, no checks", timed(lambda: float(np.mean(counts)) / size), None),
        Row("Binomial.pdf n=50", n, timed(lambda: binomial.pdf(counts)),
            "scipy.stats.binom.pmf", timed(lambda: stats.binom.pmf(counts, size, p)), PEER_GOAL,
            **course(lambda: course_binomial_pdf(few_counts, p, size), course_n)),
        Row("Binomial.cdf n=50", n, timed(lambda: binomial.cdf(counts)),
            "scipy.stats.binom.cdf", timed(lambda: stats.binom.cdf(counts, size, p)), PEER_GOAL,
            **course(lambda: course_binomial_cdf(few_counts[:cdf_n], p, size), cdf_n)),
        Row("Binomial.pdf n=1e9", wide_n, timed(lambda: wide.pdf(wide_counts)),
            "scipy.stats.binom.pmf", timed(lambda: stats.binom.pmf(wide_counts, big, p)),
            PEER_GOAL),
        Row("Binomial.cdf n=1e9", wide_n, timed(lambda: wide.cdf(wide_counts)),
            "scipy.stats.binom.cdf", timed(lambda: stats.binom.cdf(wide_counts, big, p)),
            PEER_GOAL),
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "numbers.txt"
        path.write_text("\n".join(repr(v) for v in rng.normal(mu, sigma, lines).tolist()) + "\n")
        rows.append(
            Row("read_data_file", lines, timed(lambda: Gaussian().read_data_file(path)),
                "numpy.loadtxt", timed(lambda: np.loadtxt(path)), READ_GOAL,
                **course(lambda: course_read(path), lines))
        )  # fmt: skip
    return rows


MEMORY_PROBE = """
import sys, time
import numpy as np
from distkit.distributions import Gaussian

def kib(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

path = sys.argv[2]
before = kib("VmRSS")
start = time.perf_counter()
values = Gaussian().read_data_file(path) if sys.argv[1] == "distkit" else np.loadtxt(path)
seconds = time.perf_counter() - start
print(seconds, (kib("VmHWM") - before) / 1024, values.size)
"""


def read_memory(lines: int) -> None:
    """Peak memory and time of reading `lines` numbers, each reader in a fresh process."""
    rng = np.random.default_rng(20261201)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "numbers.txt"
        with open(path, "w") as file:
            for start in range(0, lines, 10**6):
                chunk = rng.normal(25.0, 2.0, min(10**6, lines - start)).tolist()
                file.write("\n".join(map(repr, chunk)) + "\n")
        size = path.stat().st_size / 2**20
        found = {}
        for reader in ("numpy.loadtxt", "distkit"):
            probe = [sys.executable, "-c", MEMORY_PROBE, reader, str(path)]
            out = subprocess.run(probe, capture_output=True, text=True, check=True).stdout
            seconds, mib, count = out.split()
            assert int(count) == lines
            found[reader] = (float(seconds), float(mib))
    (peer_s, peer_mib), (ours_s, ours_mib) = found["numpy.loadtxt"], found["distkit"]
    print(f"\nreading {lines:.0e} lines ({size:.0f} MiB), one run each in a fresh process:")
    print(f"  numpy.loadtxt            {peer_s:7.2f} s  peak {peer_mib:7.1f} MiB")
    print(f"  Gaussian.read_data_file  {ours_s:7.2f} s  peak {ours_mib:7.1f} MiB")
    ok = "yes" if ours_mib <= 2 * peer_mib else "NO"
    print(
        f"  memory {ours_mib / peer_mib:.2f}x numpy.loadtxt (goal: at most 2x): {ok}; "
        f"time {ours_s / peer_s:.2f}x"
    )


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'case':<22}{'n':>10}{'distkit s':>11}  {'peer':<24}{'peer s':>9}"
        f"{'ratio':>7}{'goal':>7}  {'ok':<4}{'course s':>10}{'course/distkit':>16}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row.distkit / row.peer
        goal = "-" if row.goal is None else f"{row.goal:.1f}x"
        ok = "-" if row.goal is None else "yes" if ratio <= row.goal else "NO"
        scaled = row.course_scaled()
        if scaled is None:
            course, speedup = "n/a", "n/a"
        else:
            marker = "*" if row.course_n != row.n else " "
            course, speedup = f"{scaled:.3f}{marker}", f"{scaled / row.distkit:.0f}x"
        print(
            f"{row.case:<22}{row.n:>10.0e}{row.distkit:>11.4f}  {row.peer_name:<24}"
            f"{row.peer:>9.4f}{ratio:>7.2f}{goal:>7}  {ok:<4}{course:>10}{speedup:>16}"
        )
    print()
    print("* plain-Python course-style time measured on a smaller n and scaled linearly:")
    for row in rows:
        if row.course is not None and row.course_n is not None and row.course_n != row.n:
            print(
                f"  {row.case}: {row.course:.3f} s measured on n={row.course_n:.0e}, "
                f"scaled x{row.n / row.course_n:g}"
            )
    print("ratio = distkit median / peer median (lower is better); times are medians in seconds.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case (median)")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check it runs")
    parser.add_argument("--memory-lines", type=int, default=10**7, help="0 skips the memory part")
    args = parser.parse_args()
    if args.quick:
        n, lines, course_n, repeats = 10**4, 10**3, 10**3, 1
    else:
        n, lines, course_n, repeats = 10**7, 10**6, 10**5, args.repeats
    print(f"distkit.distributions benchmark: {repeats} repeats per case, median")
    print_table(run(n, lines, course_n, repeats))
    if args.memory_lines:
        read_memory(10**4 if args.quick else args.memory_lines)


if __name__ == "__main__":
    main()
