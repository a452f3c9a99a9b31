"""Prompt templates as versioned files (`NAME.vN.txt`), read with importlib.resources."""
