"""Accountability: actors, sanctions coverage and proscription status (pure: never imports Django).

So far: the IRGC proscription tracker (``proscription``). Sanctions-list parsers and matching
are the accountability issue's work.
"""
