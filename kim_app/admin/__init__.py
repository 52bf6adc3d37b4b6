"""The admin area (`/admin/`): KIM groups, question categories, agencies (OPD).

`sections` says which sections exist and whose they are, `routes` serves them (and
`moved` answers the old addresses), `kim_groups` and `reference` hold the rules.
"""
