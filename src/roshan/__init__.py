"""Roshan (روشن): an evidence and accountability archive that keeps working through a blackout.

Layers (see DESIGN.md): ``bundle`` (sealed reports), ``transport`` (fragments), ``linkage``,
``estimate``, ``accountability``, ``publish`` are pure and never import Django; ``archive`` is the
Django project that knows the database; ``cli`` is the ``roshan`` command on top of them all.
"""

__version__ = "0.1.0"
