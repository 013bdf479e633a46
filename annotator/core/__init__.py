"""The core: everything that is not drawing. Never imports Qt."""
