"""Label sheets (PDF): p50/p95 of building one A4 sheet per layout, against an empty page in the same font.

    .venv/bin/python bench/sheets.py              # 30 sheets per layout
    .venv/bin/python bench/sheets.py --runs 100

In-process, no database, no HTTP (`provenance.sheets.build` needs neither). The baseline is an A4
page with one line of text in the same font: what fpdf2 and the font cost before any label is drawn.
Target: a sheet in well under a second (the print form's PDF is built on request). Was a timed
assertion in tests/provenance/test_sheets.py, which failed when the machine was loaded.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fpdf import FPDF  # noqa: E402

from vonhier import fonts  # noqa: E402
from vonhier.provenance import sheets  # noqa: E402

URL = "https://vonhier.example/01/04012345678901/10/L-2611%2F07"
TARGET_SECONDS = 1.0


def baseline() -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    fonts.register(pdf)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, size=10)
    pdf.text(10, 10, "Landeier")
    return bytes(pdf.output())


def timings(build, runs: int) -> list[float]:
    build()  # the first call fills the caches (QR matrix, font files)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build()
        times.append(time.perf_counter() - started)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    label = sheets.Label(
        url=URL, name="Landeier", short_url=URL[8:], mark="VON HIER", certificate="Zertifikat VH-2026-0001"
    )
    base = statistics.median(timings(baseline, args.runs))
    print(f"baseline (empty page, same font): p50 {base * 1000:.1f} ms")
    print(f"{'layout':<10} {'labels':>6} {'p50 ms':>8} {'p95 ms':>8} {'×base':>6} {'kB':>5}")
    met = True
    for name, layout in sheets.LAYOUTS.items():
        size = min(20, sheets.max_size(layout, URL))
        times = timings(lambda layout=layout, size=size: sheets.build(label, layout, size), args.runs)
        kilobytes = len(sheets.build(label, layout, size)) / 1000
        median = statistics.median(times)
        met &= p95(times) < TARGET_SECONDS
        print(
            f"{name:<10} {layout.count:>6} {median * 1000:>8.1f} {p95(times) * 1000:>8.1f}"
            f" {median / base:>6.1f} {kilobytes:>5.0f}"
        )
    print(f"target p95 < {TARGET_SECONDS:.1f} s per sheet: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
