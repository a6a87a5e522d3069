"""The shape a newcomer can rely on: arrows point down (shared modules know no feature, no two features
import each other, templates get their data from views, not from queries behind Jinja globals), no
module over 500 lines that is not data, no function above cyclomatic complexity 20 (radon)."""

import ast
from itertools import combinations
from pathlib import Path

from radon.complexity import add_inner_blocks, cc_visit

PACKAGE = Path(__file__).resolve().parent.parent / "vonhier"
FEATURES = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
SHARED = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}  # __init__: create_app composes features


def imported_features(path: Path) -> set[str]:
    """The feature packages a module imports (relative imports resolved against its own package)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(parts[: len(parts) - node.level]) if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        else:
            continue
        found |= {n.split(".")[1] for n in names if n.startswith("vonhier.") and n.split(".")[1] in FEATURES}
    return found - {parts[1]}


def imports_of(feature: str) -> set[str]:
    return set().union(*(imported_features(p) for p in (PACKAGE / feature).rglob("*.py")))


def test_shared_modules_import_no_feature():
    imports = {m: imported_features(PACKAGE / f"{m}.py") for m in SHARED}
    assert {m: features for m, features in imports.items() if features} == {}


# The features in the order they build on each other (docs/architecture.md): each imports only those
# before it; what flows upward goes through signals (`web.panels`, `web.cells`).
ORDER = (
    *("geo", "outbox", "accounts", "organisations", "catalogue", "payments", "admin", "search"),
    *("certification", "outlets", "suppliers", "provenance", "discover", "orders", "workspace"),
    *("core", "api", "demo"),
)


def test_features_import_only_those_before_them():
    assert set(ORDER) == FEATURES
    upward = {f: imports_of(f) - set(ORDER[: ORDER.index(f)]) for f in ORDER}
    assert {f: found for f, found in upward.items() if found} == {}


def test_no_two_features_import_each_other():
    imports = {f: imports_of(f) for f in FEATURES}
    both_ways = {(a, b) for a, b in combinations(sorted(FEATURES), 2) if b in imports[a] and a in imports[b]}
    assert both_ways == set()


# Jinja globals templates may call: none of them reads the database. A template that needs data gets
# it from its view (or, on another feature's page, through `web.panels`).
GLOBALS_WITHOUT_QUERIES = {
    # Jinja, Flask, Flask-WTF, Flask-Babel
    *("range", "dict", "lipsum", "cycler", "joiner", "namespace", "url_for", "get_flashed_messages"),
    *("config", "request", "session", "g", "csrf_token", "csrf_meta_tag"),
    *("_", "gettext", "ngettext", "pgettext", "npgettext"),
    # ours (create_app, display_names)
    *("format_date", "format_datetime", "format_decimal", "format_currency", "display_names", "change_text"),
}


def test_jinja_globals_run_no_queries(app):
    assert set(app.jinja_env.globals) - GLOBALS_WITHOUT_QUERIES == set()


# Data written as Python: the OpenAPI document (a dict literal). The demo network is data files.
DATA = {"api/openapi.py"}


def code_modules():
    return [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).as_posix() not in DATA]


def test_no_module_over_500_lines():
    lines = {p.relative_to(PACKAGE).as_posix(): len(p.read_text().splitlines()) for p in code_modules()}
    assert {name: n for name, n in lines.items() if n > 500} == {}


def test_no_function_above_complexity_20():
    complex_ = {
        f"{p.relative_to(PACKAGE).as_posix()}:{block.lineno} {block.name}": block.complexity
        for p in code_modules()
        for block in add_inner_blocks(cc_visit(p.read_text()))
        if block.letter != "C" and block.complexity > 20  # functions and methods; a class sums them
    }
    assert complex_ == {}
