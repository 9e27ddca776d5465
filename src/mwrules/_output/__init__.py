"""Verdicts and plans out: JSON, and the text people read."""
