"""gxets serve: the firm pre-check and the secretariat's review pages in a browser (the ``web`` extra)."""
