"""The public memorial: a bilingual static site anyone can mirror (DESIGN.md, "publish").

Takes plain data (``SiteData``), never the database: the archive decides what is publishable
(``roshan.archive.publication``). Output is reproducible byte for byte, uses relative links only,
makes no request to any other host, and carries a signed manifest (``manifest``).
"""
