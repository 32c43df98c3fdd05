"""Offline translation with Argos Translate packages.

The only package that imports ``argostranslate`` and ``ctranslate2``, and only
inside the functions that need them, so importing ``pipeline`` stays instant.

* :mod:`pipeline.translate.argos`: find, validate, install and remove packages.
* :mod:`pipeline.translate.engine`: the :class:`Translator` the runner calls.
* :mod:`pipeline.translate.memory`: the SQLite translation memory and TMX export.
"""
