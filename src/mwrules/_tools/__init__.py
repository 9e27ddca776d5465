"""Tools above evaluate: ruleset cases, lint, diff, plan and timeline."""
