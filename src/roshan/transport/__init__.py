"""Through the blackout: a sealed file cut into RaptorQ (RFC 6330) fragments and carried over
files, text or QR codes, then rebuilt from any large enough subset (docs/fragment-format.md).
Pure: never imports Django. The relay service lives in ``roshan.relay``.
"""

from roshan.transport.assemble import Assembler, TransferStatus
from roshan.transport.errors import FragmentError
from roshan.transport.fragment import Fragment
from roshan.transport.split import split_file

__all__ = ["Assembler", "Fragment", "FragmentError", "TransferStatus", "split_file"]
