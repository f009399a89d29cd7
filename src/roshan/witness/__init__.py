"""The witness kit: one offline HTML file that seals a report in a phone's browser (docs/witness-kit.md).

The page itself is built from ``witness/`` (JavaScript, npm, esbuild) into ``kit-template.html``
beside this file; ``kit`` fills in the archive's recipients and relays and signs the result.
"""

from roshan.witness.kit import KitError, KitReport, make_kit, verify_kit

__all__ = ["KitError", "KitReport", "make_kit", "verify_kit"]
