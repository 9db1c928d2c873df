"""A BingX refusal as the venue words it: its own code and message in a 200 envelope."""

from __future__ import annotations

CODE_INVALID = 109400


class BingxError(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
