"""The regeneration pipeline: fetch + verify, normalise, drive openapi-python-client, post-process.

Nothing at run time imports this package; it is used by ``nox -s generate`` and the tests only.
"""
