#!/usr/bin/env python3
"""Check the pixel sizes of the images a build wrote, from their headers (stdlib only).

    python3 bench/imgsize.py sizes DIR GLOB EXPECT
    python3 bench/imgsize.py og-images OUT N WxH

`sizes` counts the files under DIR matching GLOB (recursively, e.g. '*.png' or '*.jp*g') by
size and compares with EXPECT, a comma-separated list of WxH=COUNT where W or H may be '*'
(any): '1200x630=1000' or '1024x*=400,320x*=400' (every file must match one term, and each
term must count exactly COUNT files).

`og-images` checks the share cards of a built text site: each of the N case pages
OUT/cases/*/index.html names an og:image whose file is in OUT and is WxH pixels. Prints
the pages and distinct images (two cases with the same title may share Hugo's card).

Both print what they found and exit 1 if it does not match. PNG and baseline/progressive
JPEG are read; anything else counts as 0x0.
"""

from __future__ import annotations

import html
import re
import struct
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

OG_IMAGE = re.compile(r'<meta property="og:image" content="([^"]+)"')


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the first SOF marker of a JPEG."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 2 if marker != 0xFF else 1
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return 0, 0


def image_size(path: Path) -> tuple[int, int]:
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        return jpeg_size(data)
    return 0, 0


def sizes(root: Path, glob: str) -> Counter[tuple[int, int]]:
    return Counter(image_size(p) for p in root.rglob(glob) if p.is_file())


def parse_expect(spec: str) -> list[tuple[str, str, int]]:
    terms = []
    for term in spec.split(","):
        dims, _, count = term.partition("=")
        w, _, h = dims.partition("x")
        terms.append((w, h, int(count)))
    return terms


def matches(term: tuple[str, str, int], size: tuple[int, int]) -> bool:
    w, h, _ = term
    return (w == "*" or int(w) == size[0]) and (h == "*" or int(h) == size[1])


def check_sizes(root: Path, glob: str, spec: str) -> bool:
    found = sizes(root, glob)
    terms = parse_expect(spec)
    counts = [0] * len(terms)
    unmatched = 0
    for size, n in found.items():
        for k, term in enumerate(terms):
            if matches(term, size):
                counts[k] += n
                break
        else:
            unmatched += n
    text = ", ".join(f"{n} of {w}x{h}" for (w, h), n in sorted(found.items(), reverse=True)) or "none"
    ok = unmatched == 0 and all(c == t[2] for c, t in zip(counts, terms))
    print(f"{glob} under {root}: {text}" + ("" if ok else f" (expected {spec})"))
    return ok


def check_og_images(out: Path, pages: int, dims: str) -> bool:
    w, _, h = dims.partition("x")
    want = (int(w), int(h))
    found = 0
    images: set[Path] = set()
    problems: list[str] = []
    for page in sorted(out.glob("cases/*/index.html")):
        m = OG_IMAGE.search(page.read_text(encoding="utf-8", errors="replace"))
        if not m:
            problems.append(f"{page}: no og:image")
            continue
        found += 1
        path = out / urlparse(html.unescape(m[1])).path.lstrip("/")
        if not path.is_file():
            problems.append(f"{page}: og:image {m[1]} is not in the output")
        elif image_size(path) != want:
            problems.append(f"{page}: og:image {path} is {image_size(path)}, expected {want}")
        else:
            images.add(path)
    ok = found == pages and not problems
    print(f"{found} case pages with an og:image, {len(images)} distinct {dims} images"
          + ("" if ok else f" (expected {pages} pages): " + "; ".join(problems[:3])))
    return ok


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "sizes":
        return 0 if check_sizes(Path(argv[1]), argv[2], argv[3]) else 1
    if len(argv) == 4 and argv[0] == "og-images":
        return 0 if check_og_images(Path(argv[1]), int(argv[2]), argv[3]) else 1
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
