"""Transport errors.

RoshanError
└── TransportError
    ├── FragmentError        a frame that is not a fragment, is corrupted, or has absurd parameters
    └── NotEnoughFragments   a transfer cannot be rebuilt yet (carries how many more it needs)
"""

from __future__ import annotations

from roshan.errors import RoshanError


class TransportError(RoshanError):
    pass


class FragmentError(TransportError):
    pass


class NotEnoughFragments(TransportError):
    def __init__(self, message: str, needed: int) -> None:
        super().__init__(message)
        self.needed = needed
