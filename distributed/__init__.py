"""Running vericlaim beyond one process: claims checked on Ray workers (ray_checks.py)."""
