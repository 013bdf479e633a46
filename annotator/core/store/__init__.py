"""The project database: where a project lives and how it is opened, kept and copied.

`location` (a path or a server URL), `db` (engines, pragmas, migrations), `models` (the
tables), `roles` (coder roles), `project` (`Project`, the handle every caller uses),
`backup` (rotating backups, restore), `transfer` (push and pull between file and server),
`migrations/` (alembic). May import `errors` and `codebook`; nothing above them.
"""
