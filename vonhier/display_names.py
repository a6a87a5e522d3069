"""Translated display names of the codes the platform stores (enumerations, actions, states).

Each feature names its own codes in its `names.py` with `add` (shared modules beside their enums);
this module knows no feature. Templates write `value|display_name("outlet_kind")`, or
`display_names("outlet_kind")` for all names of a kind; Python code imports the feature's dict."""

from collections.abc import Mapping

from flask import Flask

_NAMES: dict[str, Mapping] = {}


def add(kind: str, names: Mapping) -> Mapping:
    """Register the names of one kind of code; returns them for the feature's own forms and services."""
    _NAMES[kind] = names
    return names


def display_names(kind: str) -> Mapping:
    """All names of one kind, in their order (for pick lists); KeyError for a kind nobody registered."""
    return _NAMES[kind]


def display_name(value, kind: str):
    """The name of one stored value; a value without a name shows as itself (old rows, new codes), an
    empty column (None) as nothing."""
    return "" if value is None else display_names(kind).get(value, value)


def register(app: Flask) -> None:
    app.add_template_filter(display_name)
    app.jinja_env.globals["display_names"] = display_names
