"""One exception type for everything a user can fix: bad config, bad article."""

from __future__ import annotations

from pathlib import Path


class BriefgenError(Exception):
    """An error the user can act on; printed as ``file:line: message``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message


def internal_error(path, exc: BaseException) -> str:
    """What a bug in briefgen says about the article it met, so that the others go on."""
    return f"{path}: internal error ({type(exc).__name__}: {exc}); please report it"
