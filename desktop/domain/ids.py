"""Record identifiers: UUIDv7 (RFC 9562), made on the machine that creates the record.

Time-ordered ids keep SQLite's B-tree inserts local and let two installs of one street
create records offline without ever colliding. Python gains ``uuid.uuid7`` only in 3.14.
"""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> str:
    unix_ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a: 12 bits
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # rand_b: 62 bits
    return str(uuid.UUID(int=value))
