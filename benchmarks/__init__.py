"""Benchmarks: this SDK against the transport floor (raw httpx + json.loads) and Codat's ``codat-platform``.

``python -m benchmarks`` (or ``nox -s bench``) starts a local server in its own process, runs every case
interleaved across the implementations and writes the table to ``benchmarks/RESULTS.md``;
``--smoke`` runs every case once with tiny sizes (the test suite does this to prove the harness works).
"""
