"""Helpers for names kept in two languages."""

from __future__ import annotations

from django.utils.translation import get_language


def chinese_active() -> bool:
    """True when the page is being rendered in Chinese."""
    return (get_language() or "").lower().startswith("zh")


def localized(name: str, name_en: str) -> str:
    """The Chinese name in a Chinese page, the English one elsewhere (each falls back)."""
    if chinese_active():
        return name or name_en
    return name_en or name
