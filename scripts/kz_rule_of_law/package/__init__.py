"""The data package: the descriptor, the cell grammar, the CSV writer."""
