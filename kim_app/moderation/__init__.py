"""Moderation and trust (PRODUCT.md §4b): who may see what (`visibility`), reports
(`reports`), the moderation queue and its actions (`queue`), and the limits on new
accounts (`trust`). The pages are in `kim_app.admin` (/admin/moderasi) and the report
form's route in `moderation.routes`."""
