"""The sync client: this install's side of district/PROTOCOL.md (docs/sync.md).

- ``local_db.outbox_events``: the outbox row is written by a session hook in the same
  transaction as each change of a synced record (status steps of a district work order
  also queue commands, ``work_orders``); bulk Core inserts are not captured.
- ``client``: one httpx.AsyncClient per run (keep-alive, gzip both ways, TLS verified,
  CA file, proxy, version headers, refresh-once on 401, backoff with jitter).
- ``tokens``: the refresh token in the OS keyring, or ``sync-token.secret`` (0600).
- ``store``: the short, idempotent DB steps; ``engine.run_once``: hello, push in order,
  pull pages (each page and its cursor in one transaction) to the head.
- ``commands``: ``run_enroll`` / ``run_sync`` for the command line; ``enroll`` / ``sync``
  for the app (``db`` = the app's DB thread).
- ``services``: what the sync page shows and the user's answer to a conflict.
"""
