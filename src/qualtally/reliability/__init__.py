"""Reliability statistics (kappa, alpha, AC1) over the ratings ``core.agreement`` builds.

A layer of its own because it needs numpy, scikit-learn and krippendorff, which core must
not import; it imports only core. The façade imports it inside the methods that count.
"""
