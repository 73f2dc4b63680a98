"""PostgreSQL: the pool, the embedded server, and the migrations."""
