"""The admin area (`/admin/`): people and accounts.

`sections` says which sections exist and whose they are, `routes` serves the index,
`people_routes` the people pages; `people` holds the rules about accounts.
"""
