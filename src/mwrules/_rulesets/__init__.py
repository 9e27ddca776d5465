"""Rulesets around the public :mod:`mwrules.ruleset`: which version is in force, and the JSON Schemas."""
