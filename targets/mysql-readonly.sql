-- AccessTarget "readonly" (MySQL/MariaDB): read every table of the app database, nothing else.
-- {username} is replaced by the quoted account, 'name'@'hostPattern'. The user is created locked
-- and unlocked only after every statement here succeeded; a failure drops it again.
GRANT SELECT, SHOW VIEW ON app.* TO {username};
