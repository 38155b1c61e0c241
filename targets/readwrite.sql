-- AccessTarget "readwrite" (PostgreSQL): read and change rows of the application schema; no DDL.
GRANT CONNECT ON DATABASE app TO {username};
GRANT USAGE ON SCHEMA public TO {username};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {username};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {username};
