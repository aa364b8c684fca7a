"""``python -m gxets_rules`` runs the command line, as ``gxets`` does."""

from gxets_rules.app.cli import main

if __name__ == "__main__":
    main()
