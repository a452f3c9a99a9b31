"""Evaluation: dataset adapters, metric functions, the runner and its report."""
