"""Many partners: worker processes in input order, and the portfolio command."""
