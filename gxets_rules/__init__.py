"""gxets-rules: a compliance rules engine for Japan's GX-ETS."""

from gxets_rules._version import __version__

__all__ = ["__version__"]
