"""nomadspot: your own catalogue of places to work and meet, ranked for a meeting."""

__version__ = "0.1.0"
