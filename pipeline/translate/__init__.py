"""Offline translation with Argos Translate packages.

The only package that imports ``argostranslate`` and ``ctranslate2``, and only
inside the functions that need them, so importing ``pipeline`` stays instant.

* :mod:`pipeline.translate.argos`: find, validate, install and remove packages.
* :mod:`pipeline.translate.engine`: the :class:`Translator` the runner calls.
* :mod:`pipeline.translate.outcome`: ``Job`` in, ``Outcome`` out: the runner's contract.
* :mod:`pipeline.translate.routing`: sentences and runs with their language; shortest routes.
* :mod:`pipeline.translate.model`: a loaded package; ``run_hop``, the model step a cluster worker runs.
* :mod:`pipeline.translate.settings`: settings, devices, compute types, threads and batching.
* :mod:`pipeline.translate.memory`: the SQLite translation memory and TMX export.
"""
