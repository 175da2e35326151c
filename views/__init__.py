"""One blueprint per resource, and the few steps their views share."""
