"""Collections in PostgreSQL with pgvector (VERICLAIM_STORE=postgresql://…): library.py, search.py, view.py."""
