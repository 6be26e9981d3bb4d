#!/usr/bin/env python3
"""The tables and target checks of bench/run.sh (stdlib only).

    python3 bench/report.py RESULTS META ROUNDS HUGO_VERSION CORES

RESULTS: one line per timed run, tab-separated: site, variant, round, wall s, peak RSS KiB,
user + system CPU s, files (html files for text builds, resized JPEGs for image builds,
files copied for the floor; 0 for serve). META: "site NAME KIND N DESCRIPTION",
"skip NAME VARIANT REASON" and "line NAME TEXT" records. Prints per site a table of
medians and the ratios against the targets; the exit status is 0 whether targets are met
or not (failed builds stopped run.sh before).
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass, field

GIB_KIB = 1024 * 1024

LABELS = {
    "floor": "cp -r content (I/O floor)",
    "radcase-cold": "radcase cold",
    "radcase-warm": "radcase warm",
    "hugo-cold": "hugo cold",
    "hugo-warm": "hugo warm",
    "hugo-cards-cold": "hugo + cards cold",
    "hugo-cards-warm": "hugo + cards warm",
    "serve-first-page": "serve: first page",
}


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    kib: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    files: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)


@dataclass
class Site:
    name: str
    kind: str
    n: int
    description: str
    runs: dict[str, Runs] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


def load(results: str, meta: str) -> dict[str, Site]:
    sites: dict[str, Site] = {}
    with open(meta, encoding="utf-8") as f:
        for line in f:
            rec = line.rstrip("\n").split("\t")
            if rec[0] == "site":
                sites[rec[1]] = Site(rec[1], rec[2], int(rec[3]), rec[4])
            elif rec[0] == "skip":
                sites[rec[1]].skipped[rec[2]] = rec[3]
            elif rec[0] == "line":
                sites[rec[1]].lines.append(" ".join(rec[2:]).strip())
    with open(results, encoding="utf-8") as f:
        for line in f:
            site, variant, _round, wall, kib, cpu, files = line.rstrip("\n").split("\t")
            r = sites[site].runs.setdefault(variant, Runs())
            r.wall.append(float(wall))
            r.kib.append(int(kib))
            r.cpu.append(float(cpu))
            r.files.append(int(files))
    return sites


class Targets:
    def __init__(self) -> None:
        self.met = self.missed = self.skipped = 0

    def ratio(self, site: Site, num: str, den: str, limit: float) -> None:
        what = f"{LABELS[num]} / {LABELS[den]}"
        a, b = site.runs.get(num), site.runs.get(den)
        if a is None or b is None:
            reason = site.skipped.get(num) or site.skipped.get(den) or "not run"
            print(f"  {what:<42} {'n/a':>8}   (target <= {limit:g}: {reason})")
            self.skipped += 1
            return
        if b.median <= 0:
            print(f"  {what:<42} {'n/a':>8}   (target <= {limit:g}: {LABELS[den]} took under 0.01 s)")
            self.skipped += 1
            return
        self.verdict(f"  {what:<42} {a.median / b.median:>8.3f}   (target <= {limit:g}", a.median / b.median <= limit)

    def verdict(self, text: str, ok: bool) -> None:
        print(f"{text}: {'met' if ok else 'NOT met'})")
        if ok:
            self.met += 1
        else:
            self.missed += 1


def table(site: Site) -> None:
    if site.kind == "serve":
        r = site.runs["serve-first-page"]
        header = f"  {'variant':<27}{'median s':>10}{'min s':>8}{'max s':>8}"
        print(header)
        print("  " + "-" * (len(header) - 2))
        print(f"  {LABELS['serve-first-page']:<27}{r.median:>10.2f}{min(r.wall):>8.2f}{max(r.wall):>8.2f}")
        return
    floor = site.runs.get("floor")
    header = (f"  {'variant':<27}{'median s':>10}{'min s':>8}{'max s':>8}{'cpu s':>8}"
              f"{'peak RSS MiB':>14}{'files':>8}{'x floor':>9}")
    print(header)
    print("  " + "-" * (len(header) - 2))
    for variant, label in LABELS.items():
        if variant in site.skipped:
            print(f"  {label:<27}  {site.skipped[variant]}")
            continue
        r = site.runs.get(variant)
        if r is None:
            continue
        files = sorted(set(r.files))
        files_txt = str(files[0]) if len(files) == 1 else "/".join(map(str, files))
        x_floor = (f"{r.median / floor.median:.1f}" if floor and floor.median > 0 and variant != "floor"
                   else "")
        print(f"  {label:<27}{r.median:>10.2f}{min(r.wall):>8.2f}{max(r.wall):>8.2f}"
              f"{statistics.median(r.cpu):>8.2f}{statistics.median(r.kib) / 1024:>14.1f}"
              f"{files_txt:>8}{x_floor:>9}")


def main(argv: list[str]) -> int:
    results, meta, rounds, hugo_version, cores = argv
    sites = load(results, meta)
    targets = Targets()
    print(f"\nradcase vs hugo {hugo_version}: medians of {rounds} round(s), {cores} cores")
    for site in sites.values():
        print(f"\n{site.name}: {site.description}\n")
        table(site)
        for line in site.lines:
            print(f"  {line}")
        print("\n  targets" + (" (ratios of median wall times)" if site.kind != "serve" else ""))
        if site.kind == "text":
            targets.ratio(site, "radcase-cold", "hugo-cold", 1.0)
            targets.ratio(site, "radcase-cold", "hugo-cards-cold", 0.05)
            targets.ratio(site, "radcase-warm", "hugo-warm", 0.3)
            builds = [site.runs[v] for v in ("radcase-cold", "radcase-warm") if v in site.runs]
            if builds:
                peak = max(max(r.kib) for r in builds)
                note = "" if site.n >= 10000 else ", set for 10,000 cases"
                targets.verdict(f"  {'radcase peak RSS (highest of all builds)':<42} {peak / 1024:>8.1f} MiB"
                                f" (target <= 1024 MiB{note}", peak <= GIB_KIB)
        elif site.kind == "images":
            targets.ratio(site, "radcase-cold", "hugo-cold", 0.2)
            targets.ratio(site, "radcase-warm", "hugo-warm", 0.3)
        elif site.kind == "serve":
            r = site.runs["serve-first-page"]
            targets.verdict(f"  {'serve: start to first page (median)':<42} {r.median:>8.2f} s  "
                            f" (target <= 2 s", r.median <= 2.0)
    print(f"\ntargets: {targets.met} met, {targets.missed} NOT met, {targets.skipped} not measured")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
