"""The cases service: the item catalog and the applications (办件) made against it."""
