"""Alembic environment: run by models.store on open, with a live connection.

There is no alembic.ini; the store passes the connection in
``config.attributes["connection"]``. To write a new revision by hand use
``python -m models.store revision "message"`` (see README, "Schema changes").
"""

from alembic import context

from models import entities  # noqa: F401  (registers the tables)
from models.base import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite needs batch mode to alter tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
