"""Benchmark: the reading of bills over a generated corpus (issue 15).

Run: ``.venv/bin/python benchmarks/ocr_corpus.py [--count 60] [--seed 15] [--save DIR]``.
Generates ``count`` bills (``reading.corpus``: feuilles de soins, specialist, pharmacy, optician, dentist and
foreign-currency bills), half easy (clean PNG, PDF with a text layer, mildly rotated/blurred JPEG, HEIC and scanned
PDF) and half hard (photographed at an angle, low light, possibly on their side, blurred, JPEG quality 25-45), reads
each with the code the task runs (``reading.extraction.extract`` then ``reading.parser.parse``; no database) and
prints per field and per half the precision (right / found) and recall (right / expected), the reading time per
page (text layer and OCR apart) and the peak memory: the worker's own resident set and Tesseract's (a child).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIELDS = ("care_date", "total", "ident", "currency", "act", "compulsory_paid")
IDENTS = ("rpps", "adeli", "finess", "siret")


def found_value(fields: dict, name: str):
    if name == "ident":
        for key in IDENTS:
            if key in fields:
                return fields[key]["value"]
        return None
    return fields[name]["value"] if name in fields else None


def same(name: str, expected: str, got) -> bool:
    if got is None:
        return False
    if name in ("total", "compulsory_paid"):
        return Decimal(str(got)) == Decimal(expected)
    return str(got) == expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--save", help="also write the generated bills to this folder")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openmutuelle.settings")
    from reading import corpus, extraction
    from reading import parser as bill_parser

    started = time.perf_counter()
    samples = corpus.corpus(args.count, args.seed)
    print(f"{len(samples)} bills generated in {time.perf_counter() - started:.1f} s")
    stats = {half: {f: {"right": 0, "found": 0, "expected": 0} for f in FIELDS} for half in ("easy", "hard")}
    times: dict[str, list[float]] = {"pdf_text": [], "ocr": []}
    failures = []
    for sample in samples:
        if args.save:
            suffix = "pdf" if sample.kind == "pdf" else sample.kind
            Path(args.save).mkdir(parents=True, exist_ok=True)
            (Path(args.save) / f"{sample.name}.{suffix}").write_bytes(sample.data)
        try:
            read = extraction.extract(sample.data, kind=sample.kind)
        except extraction.Unreadable as refused:
            failures.append(f"{sample.name}: {refused.code}")
            fields = {}
        else:
            times[read.method].append(read.seconds / max(read.pages, 1))
            fields = bill_parser.parse(read.text)
        for name in FIELDS:
            counts = stats[sample.half][name]
            got = found_value(fields, name)
            expected = sample.expected.get(name)
            counts["found"] += got is not None and (expected is not None or name != "compulsory_paid")
            counts["expected"] += expected is not None
            counts["right"] += expected is not None and same(name, expected, got)
            if expected is not None and not same(name, expected, got):
                failures.append(f"{sample.name}: {name} expected {expected}, read {got}")
    print(f"\n{'field':<16}{'easy P':>9}{'easy R':>9}{'hard P':>9}{'hard R':>9}")
    for name in FIELDS:
        row = []
        for half in ("easy", "hard"):
            c = stats[half][name]
            row += [c["right"] / c["found"] if c["found"] else 0, c["right"] / c["expected"] if c["expected"] else 0]
        print(f"{name:<16}" + "".join(f"{v:>8.1%} " for v in row))
    for method, values in times.items():
        if values:
            print(
                f"{method}: {len(values)} documents, per page median {statistics.median(values):.2f} s, "
                f"max {max(values):.2f} s"
            )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: worker {own:.0f} MB, tesseract {child:.0f} MB; load {os.getloadavg()[0]:.1f}")
    print(f"total {time.perf_counter() - started:.0f} s")
    if failures:
        print("\nmisses:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
