"""The store-and-forward relay: opaque fragments in, out to the archive (DESIGN.md, principle 3).

A relay is untrusted by design: it sees ciphertext fragments and nothing else. Anyone may put a
fragment; only the archive's token may list, fetch and delete. It logs no client addresses.
"""
