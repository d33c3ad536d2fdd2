"""Local Codat for tests."""
