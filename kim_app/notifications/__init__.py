"""Notifications: who hears about what, in the app and by email.

- `preferences`: the categories a person chooses from, and their choices;
- `delivery`: `notify` / `deliver`, the one way any area tells people about an event;
- `mail`: the outgoing email queue (queued in the request, sent by `flask send-mail`);
- `centre`: what a person reads: their list, the unread count, read marks;
- `routes`: the notification centre at `/akun/notifikasi` and the header bell.

The rows themselves are `kim_app.models.notifications`.
"""
