"""The engine's implementations of the rule language's functions, bound to their signatures once.

``FUNCTIONS`` is what the loader compiles expressions against; :func:`gxets_rules.evaluate.load_ruleset` passes it.
"""

from gxets_rules.evaluate.stdlib import core, ownership
from gxets_rules.ruleset.signatures import bind

FUNCTIONS = bind(core.IMPLEMENTATIONS, ownership.IMPLEMENTATIONS)
