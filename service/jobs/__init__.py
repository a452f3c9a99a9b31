"""Jobs: a JSONL file of claims checked in the background of `vericlaim serve`, persisted so that a restart
resumes them (store.py: SQLite; upload.py: reading the upload; runner.py: the thread that checks)."""
