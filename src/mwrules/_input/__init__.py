"""Read and check: documents (JSON/YAML with lines), the cattrs converter, partners and their customer data."""
