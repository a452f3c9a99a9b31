"""Training: what builds the shipped models. Not imported by the service at run time."""
