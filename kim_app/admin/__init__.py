"""The admin area (`/admin/`): people, KIM groups, question categories, agencies (OPD).

`sections` says which sections exist and whose they are, `routes` serves them (and
`moved` answers the old addresses), `people_routes` the people pages; `kim_groups`,
`reference` and `people` hold the rules.
"""
