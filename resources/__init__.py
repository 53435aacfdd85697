"""Data shipped with PNAE Desktop: catalogues, templates, fonts, icons."""
