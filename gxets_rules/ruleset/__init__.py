"""The rule language: strict rule-set files, expressions, dated parameters, code lists, lint and YAML tests."""
