-- AccessTarget "readwrite" (MySQL/MariaDB): change rows in the app database, but not its schema.
-- {username} is replaced by the quoted account, 'name'@'hostPattern'.
GRANT SELECT, INSERT, UPDATE, DELETE ON app.* TO {username};
