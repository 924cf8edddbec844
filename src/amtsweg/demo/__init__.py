"""Demo data for the Kreis Coesfeld: organisation, catalogue and responsibilities.

An app without models: it owns the ``amtsweg load-demo`` command and the data it loads.
:func:`amtsweg.demo.loader.load_demo` writes services and responsibilities through the same domain
functions an administrator's edits go through. The data is embedded here on purpose, so that
``amtsweg demo`` works on a clean machine without ``../shared/data``.
"""
