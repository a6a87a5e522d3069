"""Arrows point down: shared modules know no feature, no two features import each other, and templates
get their data from views, not from queries behind Jinja globals."""

import ast
from itertools import combinations
from pathlib import Path

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


def test_no_two_features_import_each_other():
    # TODO lead: remove once h15-cat is merged
    allowed = {("catalogue", "organisations")}
    imports = {f: imports_of(f) for f in FEATURES}
    both_ways = {(a, b) for a, b in combinations(sorted(FEATURES), 2) if b in imports[a] and a in imports[b]}
    assert both_ways - allowed == set()


# Jinja globals templates may call: none of them reads the database. A template that needs data gets
# it from its view (or, on another feature's page, through `web.contributions`).
GLOBALS_WITHOUT_QUERIES = {
    # Jinja, Flask, Flask-WTF, Flask-Babel
    *("range", "dict", "lipsum", "cycler", "joiner", "namespace", "url_for", "get_flashed_messages"),
    *("config", "request", "session", "g", "csrf_token", "csrf_meta_tag"),
    *("_", "gettext", "ngettext", "pgettext", "npgettext"),
    # ours (create_app, display_names)
    *("format_date", "format_datetime", "format_decimal", "format_currency", "display_names", "change_text"),
    "product_precheck",  # TODO lead: remove once h15-cat is merged (it queries; the view will pass it)
}


def test_jinja_globals_run_no_queries(app):
    assert set(app.jinja_env.globals) - GLOBALS_WITHOUT_QUERIES == set()
