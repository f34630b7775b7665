"""The local SQLite database: models, engine, unit of work, repositories, migrations.

Imports only SQLAlchemy and alembic; it knows nothing of the application above it.
"""
