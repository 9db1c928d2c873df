"""A venue's answer codes in the error taxonomy, read by code and message together.

Both venues reuse some codes for unrelated refusals (BingX's 80012 is "system busy" and also
"margin is not enough"), so a code alone cannot say whether to retry. A table is an ordered list
of rules: a code's rules that name words are tried first, in order, against the message
(case-insensitive); the code's one rule without words is its default and comes last. Each venue's
`errors.py` holds its table and cites, per rule, the doc section it comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from common.errors import ErrorClass


@dataclass(frozen=True)
class CodeRule:
    code: int
    error_class: ErrorClass
    says: str = ""  # words the venue's message carries; "" is the code's default


class CodeTable:
    def __init__(self, rules: Iterable[CodeRule]) -> None:
        self.rules = tuple(rules)
        by_code: dict[int, list[CodeRule]] = {}
        for rule in self.rules:
            by_code.setdefault(rule.code, []).append(rule)
        for code, group in by_code.items():
            defaults = [r for r in group if not r.says]
            if len(defaults) != 1 or group[-1].says:
                # A message no rule names must still land somewhere, and only once.
                raise ValueError(f"code {code} needs exactly one default rule, and it must come last")
        self._by_code = {code: tuple(group) for code, group in by_code.items()}

    @property
    def codes(self) -> frozenset[int]:
        return frozenset(self._by_code)

    def classify(self, code: int, msg: str) -> ErrorClass | None:
        """The class of this answer, or None for a code the table does not know."""
        group = self._by_code.get(code)
        if group is None:
            return None
        lowered = msg.lower()
        return next(rule.error_class for rule in group if rule.says.lower() in lowered)

    def by_words(self, msg: str) -> ErrorClass | None:
        """The class of a refusal the venue reports in words alone, without its code: the first
        rule, in the table's order, whose words the message carries; None when none does."""
        lowered = msg.lower()
        return next((r.error_class for r in self.rules if r.says and r.says.lower() in lowered), None)
