"""GS1's resolver checks and Digital Link vectors against a real server: gunicorn with 2 workers on the
test database with the demo data, as production serves them.

The checks live outside the repository (`shared/conformance` beside the checkout, or where
VONHIER_CONFORMANCE points); without them the test is skipped.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live import free_port, gunicorn

ROOT = Path(__file__).resolve().parents[2]


def _conformance() -> Path | None:
    candidates = [os.environ.get("VONHIER_CONFORMANCE")]
    # Beside the checkout; a git worktree sits one level deeper than the main checkout.
    candidates += [ROOT.parent / "shared" / "conformance", ROOT.parent.parent / "shared" / "conformance"]
    return next(
        (Path(c) for c in candidates if c and (Path(c) / "gs1_conformance.py").is_file()),
        None,
    )


CONFORMANCE = _conformance()


@pytest.mark.skipif(
    CONFORMANCE is None,
    reason="GS1 conformance checks not found: set VONHIER_CONFORMANCE to the folder with gs1_conformance.py",
)
def test_gs1_resolver_checks_pass_and_the_vectors_agree(app, base_config):
    loaded = app.test_cli_runner().invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The linkset's anchors must name the server the checks talk to.
    with gunicorn({**base_config, "BASE_URL": url, "RATELIMIT_ENABLED": False}, port=port):
        script = [sys.executable, str(CONFORMANCE / "gs1_conformance.py")]
        resolver = subprocess.run([*script, "resolver", "--base", url], capture_output=True, text=True)
        vectors = subprocess.run([*script, "vectors", "--base", url], capture_output=True, text=True)
    print(resolver.stdout, vectors.stdout)
    assert resolver.returncode == 0, resolver.stdout + resolver.stderr
    assert "0 fail" in resolver.stdout
    agreed = re.search(r"vectors: (\d+)/(\d+) agree", vectors.stdout)
    assert agreed, vectors.stdout + vectors.stderr
    assert int(agreed[1]) >= 0.95 * int(agreed[2]), vectors.stdout
