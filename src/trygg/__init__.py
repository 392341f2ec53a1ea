"""Trygg: a shared safety platform for municipalities, police and their partners."""

__version__ = "0.1.0"
