-- AccessTarget "readonly" (PostgreSQL): read every table of the application schema, nothing else.
-- {username} is replaced by the quoted temporary user. Statements run in the same transaction as
-- the user's creation, so a failing statement leaves no user behind.
GRANT CONNECT ON DATABASE app TO {username};
GRANT USAGE ON SCHEMA public TO {username};
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {username};
GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {username};
