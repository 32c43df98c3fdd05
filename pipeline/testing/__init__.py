"""Helpers for tests and benches: real, small Argos packages built from numpy.

Nothing here is imported by the product at run time.
"""
