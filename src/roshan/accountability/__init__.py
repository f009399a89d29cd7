"""Accountability: actors, sanctions coverage and proscription status (pure: never imports Django).

So far: the IRGC proscription tracker (``proscription``). Sanctions-list parsers and matching
are the accountability issue's work.
"""

JURISDICTIONS = ("us", "eu", "uk", "ca", "au")  # the sanctions matrix's columns, everywhere it is shown
