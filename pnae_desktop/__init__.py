"""PNAE Desktop: draft, budget and sign a PRAE from the PNAE common base, offline."""

__version__ = "0.1.0"
APP_NAME = "PNAE Desktop"
