"""Query modules: one per page, the only code that names tables (see `base`)."""
