"""Models of the situation app."""
