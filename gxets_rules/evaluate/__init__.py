"""Evaluation: integrity checks, eligibility, coverage, position, and the result they make."""
