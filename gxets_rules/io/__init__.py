"""Reading and writing files: strict YAML, lots CSV, submissions, atomic writes."""
