"""The ``mwrules`` command behind :mod:`mwrules.cli`: its parser, its commands and what they share."""
