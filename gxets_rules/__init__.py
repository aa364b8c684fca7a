"""gxets-rules: a compliance rules engine for Japan's GX-ETS."""

__version__ = "0.1.0"
