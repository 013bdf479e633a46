"""Team projects on PostgreSQL: members as server roles, blinding by row-level security.

`roles` (adding coders and supervisors, the policies that keep coders blind). May import
`store` and the foundation; independent of `supervision`.
"""
