#!/usr/bin/env python3
"""What the search index of a built site weighs, and what a query downloads.

    python3 bench/search_size.py PUBLIC_DIR [--queries N] [--seed S]

Reads PUBLIC_DIR/search/ (as `radcase build` writes it) and prints
  - the index on disk: files, bytes, the largest shard, and gzip-compressed bytes;
  - the bytes a query downloads, as themes/default/static/js/search.js fetches them: the
    manifest, the shard of each word, and the metadata chunks of the first 20 results. Raw and
    gzip (each file compressed on its own, as a server sending Content-Encoding: gzip does).

Queries are "typical": N one-word and N two-word queries made of terms of the index drawn by
how many pages they are in (frequent terms are typed more often), each word cut to a prefix of
3 to 6 letters half the time (what a reader has typed while results show). Thumbnails are not
counted (they are the list's own images). Python standard library only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
from pathlib import Path

SHOW = 20


def shard_of(word: str, shards: int) -> int:
    h = 0x811C9DC5
    for b in word[:3].encode():
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % shards


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("public")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    root = Path(args.public) / "search"
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.json")}
    size = {k: len(v) for k, v in files.items()}
    gz = {k: len(gzip.compress(v, 9)) for k, v in files.items()}
    manifest = json.loads(files["index.json"])
    shards, chunk = manifest["shards"], manifest["chunk"]
    weights = {int(k): v for k, v in manifest["weights"].items()}

    terms: dict[str, list[tuple[int, int]]] = {}
    for n in range(shards):
        for term, flat in json.loads(files[f"t/{n}.json"]).items():
            doc, post = 0, []
            for i in range(0, len(flat), 2):
                doc += flat[i]
                post.append((doc, flat[i + 1]))
            terms[term] = post

    def scores(w: str) -> dict[int, int]:
        out: dict[int, int] = {}
        for term in json.loads(files[f"t/{shard_of(w, shards)}.json"]):
            exact = term == w
            if not exact and (len(w) < 3 or not term.startswith(w)):
                continue
            for d, bits in terms[term]:
                s = sum(v for b, v in weights.items() if bits & b) * (2 if exact else 1)
                out[d] = max(out.get(d, 0), s)
        return out

    def cost(words: list[str]) -> tuple[int, int, int]:
        need = {"index.json"} | {f"t/{shard_of(w, shards)}.json" for w in words}
        maps = [scores(w) for w in words]
        docs = [d for d in maps[0] if all(d in m for m in maps)]
        docs.sort(key=lambda d: (-sum(m[d] for m in maps), d))
        need |= {f"m/{d // chunk}.json" for d in docs[:SHOW]}
        return sum(size[f] for f in need), sum(gz[f] for f in need), len(docs)

    rng = random.Random(args.seed)
    pool = sorted(terms)
    weights_by_use = [len(terms[t]) for t in pool]

    def word() -> str:
        t = rng.choices(pool, weights_by_use)[0]
        if len(t) > 3 and rng.random() < 0.5:
            t = t[: rng.randint(3, min(6, len(t)))]
        return t

    queries = [[word()] for _ in range(args.queries)] + [
        [word(), word()] for _ in range(args.queries)
    ]
    costs = [cost(q) for q in queries]
    raw = [c[0] for c in costs]
    packed = [c[1] for c in costs]
    shard_sizes = [size[f"t/{n}.json"] for n in range(shards)]

    kb = lambda n: f"{n / 1000:.1f} kB"  # noqa: E731
    print(f"pages indexed        {manifest['docs']}")
    print(f"files                {len(files)} ({shards} shards, {sum(1 for k in files if k.startswith('m/'))} result chunks, 5 facets, 1 manifest)")
    print(f"index on disk        {kb(sum(size.values()))} (gzip {kb(sum(gz.values()))})")
    print(f"manifest             {kb(size['index.json'])} (gzip {kb(gz['index.json'])})")
    print(f"shard median / max   {kb(statistics.median(shard_sizes))} / {kb(max(shard_sizes))}")
    print(f"query, median        {kb(statistics.median(raw))} (gzip {kb(statistics.median(packed))})")
    print(f"query, 95th pct      {kb(sorted(raw)[int(len(raw) * .95)])} (gzip {kb(sorted(packed)[int(len(packed) * .95)])})")
    print(f"query, max           {kb(max(raw))} (gzip {kb(max(packed))})")


if __name__ == "__main__":
    main()
