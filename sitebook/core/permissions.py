"""The registry of permission codes.

Each app declares its codes in its own `permissions.py` (imported from its AppConfig.ready).
Roles hold patterns (`costs.*`, `projects.view`, `*`) that match declared codes.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

_codes: dict[str, Any] = {}


def declare(codes: dict[str, Any]) -> None:
    """Register permission codes with their (translatable) labels."""
    for code, label in codes.items():
        if "." not in code:
            raise ValueError(f"permission code {code!r} must be '<app>.<action>'")
        _codes[code] = label


def declared() -> dict[str, Any]:
    """All declared codes and their labels, sorted by code."""
    return dict(sorted(_codes.items()))


def is_declared(code: str) -> bool:
    return code in _codes


def pattern_matches_any(pattern: str) -> bool:
    """True if a role pattern names at least one declared code."""
    return any(fnmatchcase(code, pattern) for code in _codes)


def granted(patterns: list[str], code: str) -> bool:
    """True if any of a role's patterns grants `code`."""
    return any(fnmatchcase(code, p) for p in patterns)


def expand(patterns: list[str]) -> set[str]:
    """The declared codes that a role's patterns grant."""
    return {code for code in _codes if granted(patterns, code)}
