#!/usr/bin/env python3
"""Time `radcase serve` from process start to the first page (stdlib only).

    python3 bench/first_page.py RADCASE SITE CACHE_DIR LOG [--timeout 300]

starts `RADCASE serve SITE --port 0 --cache-dir CACHE_DIR` (stdout and stderr go to LOG),
waits for the line with `http://127.0.0.1:PORT/` on its stderr, polls GET / every 5 ms until
it answers 200 with a page, then stops the server (only that process). Prints
"FIRST_PAGE_S URL_LINE_S": seconds from just before the process started to the first 200,
and to the URL line. Exits 1 if the server exits, never prints the address, never answers
200 or the timeout passes.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

URL = re.compile(r"http://127\.0\.0\.1:\d+/")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("radcase")
    ap.add_argument("site")
    ap.add_argument("cache_dir")
    ap.add_argument("log")
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args(argv)

    found = threading.Event()
    url: list[str] = []
    url_at: list[float] = []
    with open(args.log, "w", encoding="utf-8") as log:
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [args.radcase, "serve", args.site, "--port", "0", "--cache-dir", args.cache_dir],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.PIPE, text=True)

        def read_stderr() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                log.write(line)
                log.flush()
                m = URL.search(line)
                if m and not found.is_set():
                    url.append(m[0])
                    url_at.append(time.monotonic())
                    found.set()

        reader = threading.Thread(target=read_stderr, daemon=True)
        reader.start()
        try:
            deadline = t0 + args.timeout
            while not found.wait(0.005):
                if proc.poll() is not None:
                    print(f"radcase serve exited ({proc.returncode}) before printing its address: see {args.log}",
                          file=sys.stderr)
                    return 1
                if time.monotonic() > deadline:
                    print(f"radcase serve printed no address in {args.timeout:.0f} s", file=sys.stderr)
                    return 1
            while True:
                if proc.poll() is not None:
                    print(f"radcase serve exited ({proc.returncode}) before serving /: see {args.log}",
                          file=sys.stderr)
                    return 1
                try:
                    with urllib.request.urlopen(url[0], timeout=5) as r:
                        body = r.read()
                        if r.status == 200 and b"<html" in body.lower():
                            t1 = time.monotonic()
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    print(f"radcase serve did not answer GET {url[0]} with a page in {args.timeout:.0f} s",
                          file=sys.stderr)
                    return 1
                time.sleep(0.005)
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            reader.join(5)
    print(f"{t1 - t0:.3f} {url_at[0] - t0:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
