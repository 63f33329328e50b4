"""SQLAlchemy Core tables, engine set-up, migrations, reads and transactional writes."""
