"""The strategies of :mod:`mwrules.strategies`, by what they draw; that module is their public face."""
