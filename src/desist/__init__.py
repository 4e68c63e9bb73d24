"""desist: case, linkage and measures platform for a reducing-reoffending partnership."""
