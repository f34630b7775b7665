"""The reference district server: the sync contract of docs/sync.md implemented with
FastAPI and SQLAlchemy, for the sync tests, for a new user's demo, and as the model a
district's IT vendor implements."""
