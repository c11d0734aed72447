"""stosim: an agent-based simulator of Korean tokenized-securities markets."""

__version__ = "0.1.0"
