"""qualtally's benchmarks: ``python -m benchmarks --size demo|1k|10k`` runs the standard suite.

See ``benchmarks/README.md``; shipped artefacts are built by ``models/build/``, not here.
"""
