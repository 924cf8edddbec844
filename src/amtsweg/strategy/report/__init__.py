"""The Sachstandsbericht (Sitzungsvorlage): data (:mod:`.context`), PDF (:mod:`.pdf`), DOCX (:mod:`.docx`).

The texts come from the :class:`~amtsweg.strategy.models.Report` draft; every figure is computed from the
cockpit's records at the moment of the export, so a report never shows stale numbers.
"""
