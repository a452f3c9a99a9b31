"""The `vericlaim` command: the service's commands and the training commands, assembled (see cli.py)."""
