"""Views of a result: terminal text, HTML and Excel reports, message catalogues."""
