#!/usr/bin/env python3
"""Lists absolute timestamps in test fixtures that fall within the next ten years, and fails on any that is
not marked as compared only with an injected clock.

A fixture time in the near future works until the real clock passes it, then fails CI on that day (issue #7:
credentials that expired at 2026-11-29T12:00:00Z). Such a time is allowed only when nothing compares it with
the real clock:

- mark the line (or the line above it) with `fixed-clock`, saying which injected clock it is compared with,
  for example `// fixed-clock: SampleAccount.referenceDate`; for a multi-line string, put `fixed-clock-begin`
  and `fixed-clock-end` comments around it;
- or list the file in Scripts/fixture-dates.allow (for formats without comments, such as golden files), with
  the reason.

Times in the past are not listed (what has expired stays expired), nor times more than ten years ahead.
Better than a mark: compute the time when the test runs, relative to the clock it is compared with.

Usage: Scripts/check-fixture-dates.py [--now YYYY-MM-DD] [--years N] [PATH ...]
       (default paths: Tests Sources/KMSRotationTesting Examples; --now moves "today", to see what would
       expire by then)
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PATHS = ["Tests", "Sources/KMSRotationTesting", "Examples"]
ALLOW_FILE = os.path.join(ROOT, "Scripts", "fixture-dates.allow")
MARK = "fixed-clock"
TEXT_SUFFIXES = {".swift", ".json", ".jsonl", ".csv", ".md", ".xml", ".sarif", ".txt", ".py", ".sh", ".yaml",
                 ".yml", ".ini", ".html", ".tf", ".template"}
SKIP_PARTS = {".build", ".git", "node_modules"}
MONTHS = {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                           "nov", "dec"])}

# 2026-11-29, 2026-11-29T12:00:00Z, 2026-11-29T12:00:00.000+00:00
ISO = re.compile(r"(?<![\d])(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
# 20261129T120000Z (SigV4 X-Amz-Date), 20261129 in a credential scope
COMPACT = re.compile(r"(?<![\d])(20\d{2})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?(?![\d])")
# Sun, 29 Nov 2026 12:00:00 GMT
RFC1123 = re.compile(r"(?<![\d])(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})", re.I)
# Epoch seconds, as Swift literals (1_795_953_600) or JSON numbers (1795953600.5)
EPOCH = re.compile(r"(?<![\w.])(\d{1,3}(?:_\d{3}){3}|\d{10})(?:\.\d+)?(?![\w])")


def candidates(line: str):
    """Yields (text, datetime) for every absolute time the line holds."""
    for m in ISO.finditer(line):
        try:
            yield m.group(0), dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0),
                                          int(m[6] or 0), tzinfo=dt.timezone.utc)
        except ValueError:
            pass  # 2027-02-30: not a date (a test of invalid input)
    for m in COMPACT.finditer(line):
        try:
            yield m.group(0), dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0),
                                          int(m[6] or 0), tzinfo=dt.timezone.utc)
        except ValueError:
            pass
    for m in RFC1123.finditer(line):
        try:
            yield m.group(0), dt.datetime(int(m[3]), MONTHS[m[2].lower()], int(m[1]), tzinfo=dt.timezone.utc)
        except ValueError:
            pass
    for m in EPOCH.finditer(line):
        seconds = int(m[1].replace("_", ""))
        if 1_000_000_000 <= seconds < 4_000_000_000:
            yield m.group(0), dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def load_allowed() -> list[str]:
    if not os.path.exists(ALLOW_FILE):
        return []
    patterns = []
    with open(ALLOW_FILE, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if line:
                patterns.append(line)
    return patterns


def files_under(paths: list[str]):
    for path in paths:
        full = os.path.join(ROOT, path)
        if os.path.isfile(full):
            yield full
            continue
        for directory, dirs, names in os.walk(full):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_PARTS and not d.startswith(".build"))
            for name in sorted(names):
                if os.path.splitext(name)[1].lower() in TEXT_SUFFIXES:
                    yield os.path.join(directory, name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--now", help="the day to check against (YYYY-MM-DD); default: today, UTC")
    parser.add_argument("--years", type=int, default=10, help="how far ahead a time counts (default 10)")
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()

    now = (dt.datetime.strptime(args.now, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc) if args.now
           else dt.datetime.now(dt.timezone.utc))
    horizon = now.replace(year=now.year + args.years)
    allowed = load_allowed()

    unmarked, marked, allowed_count = [], 0, 0
    for path in files_under(args.paths):
        rel = os.path.relpath(path, ROOT)
        if os.path.abspath(path) == os.path.abspath(__file__):
            continue
        file_allowed = any(fnmatch.fnmatch(rel, pattern) for pattern in allowed)
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        in_block = False
        for number, line in enumerate(lines, start=1):
            if MARK + "-begin" in line:
                in_block = True
            elif MARK + "-end" in line:
                in_block = False
            hits = [(text, when) for text, when in candidates(line) if now <= when < horizon]
            if not hits:
                continue
            if file_allowed:
                allowed_count += len(hits)
            elif in_block or MARK in line or (number > 1 and MARK in lines[number - 2]):
                marked += len(hits)
            else:
                for text, when in hits:
                    unmarked.append(f"{rel}:{number}: {text} ({when:%Y-%m-%dT%H:%M:%SZ})")

    window = f"{now:%Y-%m-%d} to {horizon:%Y-%m-%d}"
    if unmarked:
        print(f"Absolute times within {window} that are not marked `{MARK}` (compared only with an injected clock):")
        print("\n".join("  " + u for u in unmarked))
        print("Compute them when the test runs, relative to the clock they are compared with, or mark them"
              f" `{MARK}: <which clock>` if nothing compares them with the real clock.", file=sys.stderr)
        return 1
    print(f"fixture dates: none unmarked within {window} ({marked} marked {MARK}, {allowed_count} in allowed files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
