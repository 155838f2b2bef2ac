"""planner: which committee members take charge of which party cells, and which cell meetings they attend."""

__version__ = "0.1.0"
