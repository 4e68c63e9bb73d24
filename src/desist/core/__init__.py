"""Analytics core: plain Python (no Django) for linkage, calculators, measures and synthetic data."""
