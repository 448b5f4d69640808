"""Persian→English translation and alignment workbench."""

__version__ = "0.1.0"
