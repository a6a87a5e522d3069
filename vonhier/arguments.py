"""Query arguments: the one parser for query strings and form-less requests (the API, the consumer
finder, the supplier search, label sheets, scan statistics, QR images). A view declares what it
takes — `whole`, `number`, `choice`, `choices`, `text` — and gets values or a `Refused`, a 400 whose
description is the view's translated sentence (`errors.py` shows it, as JSON under /api/).

Why this and not webargs or marshmallow: the API's own `Query`, promoted here, already did the job
and was tested against schemathesis; each refusal is a sentence the view chooses (the finder's and
the supplier search's messages name the field in words, the API's name the parameter), which a
schema library would need a custom message per field for anyway; and it keeps the dependencies as
they are. Hostile text (control characters, line breaks) never gets here: `hygiene.check_request`
refuses it for every request before any view runs.

The rules, the same for every view:
- whole numbers are 1 to 10 ASCII digits (no sign, no spaces; `int()` would take "²" and "1_0")
  within the declared range; other numbers are finite floats, and an empty one is not given;
- with `allowed`, any other parameter name is refused (the API); without, ignored (pages: links
  shared by apps carry some). With `once` a repeated single parameter is refused; without, the first
  value counts;
- an empty value is a value (and a bad number or choice), except for the names in `optional`: the
  fields a page's form sends empty when nothing is chosen;
- text is refused when too long, never silently shortened.
"""

import math
import re
from collections.abc import Callable, Collection, Iterable

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

# Every id and count the platform stores is a 32-bit integer (PostgreSQL `integer`).
MAX_INTEGER = 2**31 - 1
_WHOLE = re.compile(r"[0-9]{1,10}")

# A refusal's sentence: a translated string, or a function of the refused value (cut to 40
# characters) for sentences that repeat it.
Message = str | Callable[[str], str]


class Refused(BadRequest):
    """A query argument the view cannot use; `description` is a translated sentence (answered with 400)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.vonhier_detail = True  # errors.py shows our own, translated description


def _unknown_parameter(names: list[str], allowed: Iterable[str]) -> str:
    return _l(
        "Unknown parameter “%(name)s”. Allowed: %(allowed)s.",
        name=names[0][:40],
        allowed=", ".join(sorted(allowed)),
    )


def _unknown_value(name: str, choices: Collection[str]) -> Callable[[str], str]:
    return lambda value: _l(
        "Unknown value “%(value)s” for “%(name)s”. Allowed: %(allowed)s.",
        value=value,
        name=name,
        allowed=", ".join(choices),
    )


def _say(message: Message, value: str = "") -> Refused:
    return Refused(message(value[:40]) if callable(message) else message)


class Arguments:
    """The arguments `args` (a request's `args`), checked as each is asked for.

    `allowed`: the names the view knows; any other is refused with `unknown(names, allowed)` (the
    unknown names in the order given). Without it, other names are ignored."""

    def __init__(
        self,
        args: MultiDict,
        allowed: Iterable[str] | None = None,
        *,
        once: bool = False,
        optional: Collection[str] = (),
        unknown: Callable[[list[str], set[str]], str] = _unknown_parameter,
    ):
        self.args = args
        self.once = once
        self.optional = optional
        if allowed is not None:
            known = set(allowed)
            if names := [name for name in args if name not in known]:
                raise Refused(unknown(names, known))

    def value(self, name: str, default: str | None = None) -> str | None:
        """The parameter's one value as sent, `default` when it is not given."""
        values = self.args.getlist(name)
        if self.once and len(values) > 1:
            raise Refused(_l("The parameter “%(name)s” may be given only once.", name=name))
        return values[0] if values else default

    def _given(self, name: str) -> str | None:
        """The value of a number or a choice; an empty one of an `optional` name is not given."""
        value = self.value(name)
        return None if value == "" and name in self.optional else value

    def whole(self, name: str, default: int | None, low: int, high: int, message: Message = "") -> int | None:
        value = self._given(name)
        if value is None:
            return default
        if not _WHOLE.fullmatch(value) or not low <= int(value) <= high:
            raise _say(
                message
                or _l(
                    "The parameter “%(name)s” must be a whole number from %(min)d to %(max)d.",
                    name=name,
                    min=low,
                    max=high,
                ),
                value,
            )
        return int(value)

    def number(self, name: str, message: Message) -> float | None:
        """A finite decimal number; an empty one is not given (the finder's coordinates come from a
        form that leaves both empty without a position)."""
        value = self.value(name)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise _say(message, value) from None
        if not math.isfinite(number):
            raise _say(message, value)
        return number

    def choice(
        self, name: str, choices: Collection[str] | Callable[[], Collection[str]], message: Message = ""
    ) -> str | None:
        """One of `choices` (or of what the function `choices` returns, asked only when a value is
        given: a lookup in the database costs nothing for the many requests without one)."""
        value = self._given(name)
        if value is None:
            return None
        allowed = choices() if callable(choices) else choices
        if value not in allowed:
            raise _say(message or _unknown_value(name, allowed), value)
        return value

    def choices(self, name: str, choices: Collection[str], message: Message = "") -> list[str]:
        """Any number of `choices` (a repeated parameter), each once, in the order given."""
        values = self.args.getlist(name)
        for value in values:
            if value not in choices:
                raise _say(message or _unknown_value(name, choices), value)
        return list(dict.fromkeys(values))

    def text(self, name: str, max_length: int, message: Message = "", strip: bool = False) -> str:
        value = self.value(name) or ""
        if strip:
            value = value.strip()
        if len(value) > max_length:
            raise _say(
                message
                or _l(
                    "The parameter “%(name)s” is too long (at most %(max)d characters).",
                    name=name,
                    max=max_length,
                ),
                value,
            )
        return value
