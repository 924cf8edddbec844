"""Import of FIM data schemas (XDatenfelder 2.0 and 3.0) into the form model.

Entry points: :func:`amtsweg.forms.fim.importer.parse_fim` (file → FormSpec, no database) and
:func:`amtsweg.forms.fim.importer.import_fim` (file → stored FormVersion); both raise
:class:`amtsweg.forms.fim.errors.FimImportError`. See ``docs/formats/fim.md``.
"""
