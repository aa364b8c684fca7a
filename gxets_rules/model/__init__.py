"""Pydantic models of every file format: submissions, results and their JSON Schemas."""
