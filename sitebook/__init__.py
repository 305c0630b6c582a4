"""Sitebook: engineering and construction project management."""

__version__ = "0.1.0"
