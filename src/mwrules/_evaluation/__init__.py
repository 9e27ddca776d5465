"""Facts to verdict: the ruleset compiled to engine rules, the durable_rules adapter, and evaluate."""
