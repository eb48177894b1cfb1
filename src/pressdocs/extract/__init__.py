"""Extraction: from a parsed document (:class:`pressdocs.Content`) to the domain model.

One module per form or material: :mod:`.registration` (附件2), :mod:`.statistics`
(附件3), :mod:`.plan` (附件1), :mod:`.release` (发布稿), :mod:`.qa` (问答); shared
helpers in :mod:`.labels` (label/value streams) and :mod:`.tables`.
"""
