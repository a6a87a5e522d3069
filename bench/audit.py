"""Lighthouse (mobile) and the Nu HTML checker on the public pages of a running server (`make audit`).

    make audit                                     # BASE=http://127.0.0.1:5000, German pages
    make audit BASE=http://127.0.0.1:5204 AUDIT_ARGS="--lang en"
    .venv/bin/python bench/audit.py --base http://127.0.0.1:5204 /outlets/3 /01/04260712001023

Prints per page the four Lighthouse scores (performance, accessibility, best practices, SEO), the
cumulative layout shift, the audits that did not pass and the Nu checker's errors. Without paths it
audits the home page, the finder (a search with results, so its map is there), a provenance page and
an organisation page linked from the home page, an outlet page linked from the finder, and the
register; the pages are found by following links, so any demo data will do.

The tools come from `bench/audit/` (its own package.json and lock: Lighthouse and vnu-jar, about
140 MB, which `make run` and `make vendor` never download). Lighthouse drives Debian's Chromium
(CHROME_PATH, default /usr/bin/chromium; headless, --no-sandbox); vnu.jar runs on the machine's Java.
Map tiles come from tile.openstreetmap.org, which this machine cannot reach: Lighthouse blocks them
(`--blocked-url-patterns`), so a page is measured as it is without tiles, and the console errors of
those blocked requests are not counted against best practices (they are listed apart).

Exit status: 0 when every page was audited (whatever the scores), 1 when a page or a tool failed.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent / "audit"
LIGHTHOUSE = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
VNU = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TILES = "*tile.openstreetmap.org*"


def fetch(base: str, path: str, lang: str) -> str:
    request = urllib.request.Request(base + path, headers={"Accept-Language": lang})  # noqa: S310 (http only)
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.read().decode()


def first_link(html: str, pattern: str) -> str:
    match = re.search(r'href="(' + pattern + ')"', html)
    if not match:
        raise SystemExit(f"no link matching {pattern} found: give the pages as arguments")
    return match.group(1)


def default_pages(base: str, lang: str) -> list[str]:
    """The public pages with maps and lists, found by following links as a visitor would."""
    home = fetch(base, "/", lang)
    finder = "/outlets/?where=Berlin&radius=100"
    return [
        "/",
        finder,
        first_link(home, r"/01/[0-9]{14}"),
        first_link(fetch(base, finder, lang), r"/outlets/[0-9]+"),
        first_link(home, r"/organisations/[0-9]+"),
        "/certified",
    ]


def lighthouse(url: str, lang: str) -> dict:
    """One mobile Lighthouse run (its default form factor and throttling); the JSON report."""
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--blocked-url-patterns={TILES}",
        f"--extra-headers={json.dumps({'Accept-Language': lang})}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    done = subprocess.run(  # noqa: S603 (a fixed command; the URL is one argument)
        command, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": chrome}, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def summary(report: dict) -> tuple[dict, float, list[str]]:
    """The four scores (0–100), CLS, and the titles of the audits that did not pass."""
    scores = {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}
    audits = report["audits"]
    cls = audits["cumulative-layout-shift"]["numericValue"]
    failed = []
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 0.9:
                failed.append(f"{name}: {audit['id']} ({audit.get('displayValue') or audit['score']})")
    return scores, cls, failed


def nu_errors(base: str, paths: list[str], lang: str) -> dict[str, list[str]]:
    """Each page's Nu checker errors; the pages fetched in the audit's language, checked in one run."""
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for n, path in enumerate(paths):
            file = Path(folder) / f"page{n}.html"
            file.write_text(fetch(base, path, lang))
            files[f"file:{file}"] = path  # as vnu names it in its messages
        command = [
            "java",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--exit-zero-always",
            *(n[5:] for n in files),
        ]
        done = subprocess.run(  # noqa: S603 (a fixed command and our own temporary files)
            command,  # noqa: S607 (the machine's Java, as `make audit` documents)
            capture_output=True,
            text=True,
            timeout=300,
        )
        messages = json.loads(done.stderr or "{}").get("messages", [])
    errors: dict[str, list[str]] = {path: [] for path in paths}
    for message in messages:
        if message.get("type") == "error" or message.get("subType") == "fatal":
            line = f"line {message.get('lastLine')}: {message['message']}"
            errors[files.get(message.get("url", ""), "?")].append(line)
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="pages to audit (default: the public pages, found by links)")
    parser.add_argument("--base", default=os.environ.get("BASE", "http://127.0.0.1:5000"))
    parser.add_argument("--lang", default="de", choices=("de", "en"), help="pages' language")
    parser.add_argument("--no-lighthouse", action="store_true", help="only the Nu checker")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    for tool in (LIGHTHOUSE, VNU):
        if not tool.exists():
            print(f"{tool} missing: run `make audit` (it installs bench/audit/ with npm ci)", file=sys.stderr)
            return 1
    paths = args.paths or default_pages(base, args.lang)
    errors = nu_errors(base, paths, args.lang)
    failures = 0
    for path in paths:
        print(f"\n{path}")
        if not args.no_lighthouse:
            try:
                scores, cls, failed = summary(lighthouse(base + path, args.lang))
            except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError, KeyError) as error:
                print(f"  lighthouse: {error}")
                failures += 1
            else:
                figures = "  ".join(f"{name} {score}" for name, score in scores.items())
                print(f"  {figures}  CLS {cls:.3f}")
                for line in failed:
                    print(f"    not passed: {line}")
        print(f"  Nu errors: {len(errors[path])}")
        for line in errors[path]:
            print(f"    {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
