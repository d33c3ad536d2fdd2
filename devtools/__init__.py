"""Developer and CI tooling that is not shipped with the SDK."""
