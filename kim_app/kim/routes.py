"""KIM directory, KIM pages, joining, member management and the profile.

The groups themselves (create, rename, move, status) are the admin's: `kim_app.admin`.

Thin: who may act is `common.permissions`, the rules are `kim.services`. Every POST answers
a plain form with a redirect (post/redirect/get) and an htmx request with the changed
fragment; a refused change is a message, never an error page.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from kim_app.auth.routes import safe_next
from kim_app.business.groups import groups_for_kim
from kim_app.common import audit_sentences, fragments
from kim_app.common.htmx import fragment_response, render_page, wants_fragment
from kim_app.common.params import int_arg
from kim_app.common.permissions import (
    can_admin_kim_groups,
    can_manage_kim,
    deny,
    is_admin,
    kim_authority,
    open_membership,
)
from kim_app.common.ratelimit import account_and_ip_limits
from kim_app.extensions import db
from kim_app.i18n import gettext as _
from kim_app.info import services as info_services
from kim_app.kim import bp, services
from kim_app.kim.forms import DecisionForm, JoinForm, ProfileForm, RoleForm
from kim_app.models import KimGroup, Membership, MembershipStatus
from kim_app.moderation import visibility
from kim_app.stats.business import kim_figures as kim_business_figures

MEMBERS_CHANGED = "membersChanged"


def _group_or_404(slug: str) -> KimGroup:
    group = services.get_by_slug(slug, include_inactive=is_admin(current_user))
    if group is None or not visibility.may_see(current_user, group):
        abort(404)
    return group


def _membership_or_404(group: KimGroup, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.group_id != group.id:
        abort(404)
    return membership


def _managing(slug: str):
    """The group and the person's authority in it; 403 unless they manage it."""
    group = _group_or_404(slug)
    authority = kim_authority(current_user, group)
    if not authority.manages:
        deny()
    return group, authority


# ---------------------------------------------------------------------------------------
# Directory and page


@bp.get("/")
def index():
    if fragments.is_kept("kim.list" if wants_fragment() else "kim.index"):
        return render_page("kim/index.html", "kim/_group_list.html")
    districts = services.districts_with_groups()
    chosen = request.args.get("kecamatan", "")
    if chosen not in {code for code, _name, _count in districts}:
        chosen = ""
    search = request.args.get("q", "").strip()[:100]
    admin = can_admin_kim_groups(current_user)
    after = int_arg("setelah")
    groups, next_cursor = services.directory(chosen or None, search, include_inactive=admin,
                                             viewer=current_user, after=after)
    # Without a search, the kecamatan list has counted the active groups already.
    total = None if (search or admin) else sum(
        count for code, _name, count in districts if code == chosen or not chosen)
    return render_page(
        "kim/index.html",
        "kim/_group_list.html",
        groups=groups,
        next_cursor=next_cursor,
        after=after,
        total=total,
        districts=districts,
        chosen=chosen,
        search=search,
        can_create=admin,
    )


BUSINESS_GROUPS_SHOWN = 12


def _show_context(group: KimGroup, join_form: JoinForm | None = None) -> dict:
    membership = open_membership(current_user, group)
    return {
        "group": group,
        "membership": membership,
        "last_ketua": membership is not None and services.is_last_ketua(membership),
        # A form object makes a CSRF token, and a token a session: guests get none.
        "join_form": join_form or (JoinForm() if current_user.is_authenticated else None),
        "authority": kim_authority(current_user, group),
        "can_admin_group": can_admin_kim_groups(current_user),
    }


def _page_context(group: KimGroup, join_form: JoinForm | None = None) -> dict:
    """Everything the KIM page shows: its pengurus, business groups (the first
    `BUSINESS_GROUPS_SHOWN` unless all were asked for: `?usaha=semua`; and their monthly
    figures) and relays too."""
    every = request.args.get("usaha") == "semua"
    business_groups, more_business = groups_for_kim(
        group, current_user, None if every else BUSINESS_GROUPS_SHOWN)
    return {
        "pengurus": services.pengurus_of(group),
        "member_count": services.member_count(group),
        "business_groups": business_groups,
        "more_business_groups": more_business,
        "business_view": kim_business_figures(group) if business_groups else None,
        "may_create_business": can_manage_kim(current_user, group),
        "relays": info_services.relays_for_group(group),
        **_show_context(group, join_form),
    }


@bp.get("/<slug>")
def show(slug: str):
    if fragments.is_kept("kim.show", "kim.head"):
        # Kept for this reader at this URL, no table it read written since: the
        # group was there and visible to them, unchanged; it is not looked up.
        return render_template("kim/show.html")
    group = _group_or_404(slug)
    return render_template("kim/show.html", **_page_context(group))


# ---------------------------------------------------------------------------------------
# Joining, cancelling, leaving (the person themselves)


def _join_box(group: KimGroup, status: int = 200, join_form: JoinForm | None = None):
    return fragment_response("kim/_join_box.html", status=status,
                             **_show_context(group, join_form))


def _after_own_change(group: KimGroup):
    """Back where the person acted: the KIM page, or a safe `next` (their account page)."""
    if wants_fragment():
        return _join_box(group)
    return redirect(safe_next(request.form.get("next")) or url_for("kim.show", slug=group.slug))


def _own_change(group: KimGroup, change, done: str, refused_category: str = "info"):
    """Apply a change the person makes to their own membership, and answer either shape."""
    try:
        change()
    except services.MembershipError as refused:
        db.session.rollback()
        flash(str(refused.message), refused_category)
    else:
        db.session.commit()
        flash(done, "success")
    return _after_own_change(group)


@bp.post("/<slug>/gabung")
@account_and_ip_limits("join", "JOIN_LIMIT_PER_ACCOUNT", "JOIN_LIMIT_PER_IP")
@login_required
def join(slug: str):
    group = _group_or_404(slug)
    form = JoinForm()
    if not form.validate_on_submit():
        if wants_fragment():
            return _join_box(group, 422, form)
        return render_template("kim/show.html", **_page_context(group, form)), 422
    return _own_change(
        group, lambda: services.request_join(current_user, group, form.message.data or ""),
        _("Permintaan bergabung terkirim. Pengurus %(kim)s akan memutuskannya.", kim=group.name),
    )


@bp.post("/<slug>/batal")
@login_required
def cancel(slug: str):
    group = _group_or_404(slug)
    return _own_change(group, lambda: services.cancel_request(current_user, group),
                       _("Permintaan bergabung dengan %(kim)s dibatalkan.", kim=group.name))


@bp.post("/<slug>/keluar")
@login_required
def leave(slug: str):
    group = _group_or_404(slug)
    return _own_change(group, lambda: services.leave(current_user, group),
                       _("Anda sudah keluar dari %(kim)s.", kim=group.name), "error")


# ---------------------------------------------------------------------------------------
# Member management (pengurus of the group, admins)


def _members_context(group: KimGroup, authority, row_errors: dict | None = None) -> dict:
    pending, pending_total = services.pending_requests(group)
    page = int_arg("halaman", 1, minimum=1)
    events, more_history = services.history(group)
    return {
        "group": group,
        "authority": authority,
        "pending": pending,
        "pending_total": pending_total,
        "past": services.past_memberships(group, [m.user_id for m in pending]),
        "members": services.active_members(group, page),
        "events": events,
        "sentences": audit_sentences.describe(events),
        "more_history": more_history,
        "row_errors": row_errors or {},
        "ketua_count": services.ketua_count(group),
    }


@bp.get("/<slug>/anggota")
@login_required
def members(slug: str):
    group, authority = _managing(slug)
    return render_template("kim/members.html", **_members_context(group, authority))


@bp.get("/<slug>/anggota/daftar")
@login_required
def member_list(slug: str):
    """The active members, one page: for pagination and refresh after a change."""
    group, authority = _managing(slug)
    if not wants_fragment():
        return redirect(url_for("kim.members", slug=slug, halaman=request.args.get("halaman")))
    return fragment_response(
        "kim/_member_list.html", group=group, authority=authority,
        members=services.active_members(group, int_arg("halaman", 1, minimum=1)),
        ketua_count=services.ketua_count(group), row_errors={},
    )


@bp.get("/<slug>/riwayat")
@login_required
def history(slug: str):
    group, _authority = _managing(slug)
    events, more = services.history(group, int_arg("sebelum"))
    return render_page("kim/history.html", "kim/_history.html", group=group, events=events,
                       sentences=audit_sentences.describe(events), more_history=more)


def _decided(group, authority, membership, row: str, failed: tuple | None = None,
             changed: bool = True):
    """The answer to a change of one membership, in the shape the request wants.

    `failed` is `(which form, the form)` when the input was refused: the row (htmx) or the
    whole page comes back with status 422, the text kept and the error next to the field.
    """
    row_errors = {membership.id: failed} if failed else {}
    status = 422 if failed else 200
    if wants_fragment():
        return fragment_response(
            row, status=status, trigger=MEMBERS_CHANGED if changed and not failed else None,
            group=group, authority=authority, m=membership, row_errors=row_errors,
            ketua_count=services.ketua_count(group),
            past=services.past_memberships(group, [membership.user_id]),
        )
    if failed:
        context = _members_context(group, authority, row_errors)
        return render_template("kim/members.html", **context), status
    return redirect(url_for("kim.members", slug=group.slug))


def _decide(slug: str, membership_id: int, action):
    group, authority = _managing(slug)
    membership = _membership_or_404(group, membership_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _decided(group, authority, membership, "kim/_request_row.html", ("decide", form))
    try:
        membership = action(current_user, membership, form.reason.data or "")
    except services.MembershipError as refused:
        db.session.rollback()
        flash(str(refused.message), "info")
        membership = db.session.get(Membership, membership_id)
        return _decided(group, authority, membership, "kim/_request_row.html", changed=False)
    db.session.commit()
    if membership.status == MembershipStatus.ACTIVE:
        flash(_("%(name)s sekarang anggota %(kim)s.", name=membership.user.name,
                kim=group.name), "success")
    else:
        flash(_("Permintaan %(name)s ditolak.", name=membership.user.name), "success")
    return _decided(group, authority, membership, "kim/_request_row.html")


@bp.post("/<slug>/anggota/<int:membership_id>/setujui")
@login_required
def approve(slug: str, membership_id: int):
    return _decide(slug, membership_id, services.approve)


@bp.post("/<slug>/anggota/<int:membership_id>/tolak")
@login_required
def reject(slug: str, membership_id: int):
    return _decide(slug, membership_id, services.reject)


def _change_member(slug: str, membership_id: int, which: str, form_class, may, apply, done):
    """A pengurus' change to one active member (role or removal), checked by object."""
    group, authority = _managing(slug)
    membership = _membership_or_404(group, membership_id)
    if not may(authority, membership):
        deny()
    form = form_class()
    if not form.validate_on_submit():
        return _decided(group, authority, membership, "kim/_member_row.html", (which, form))
    try:
        membership = apply(membership, form)
    except services.MembershipError as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        membership = db.session.get(Membership, membership_id)
        return _decided(group, authority, membership, "kim/_member_row.html", changed=False)
    db.session.commit()
    flash(done(group, membership), "success")
    return _decided(group, authority, membership, "kim/_member_row.html")


@bp.post("/<slug>/anggota/<int:membership_id>/peran")
@login_required
def change_role(slug: str, membership_id: int):
    return _change_member(
        slug, membership_id, "role", RoleForm,
        lambda authority, membership: authority.may_change_role(membership),
        lambda membership, form: services.change_role(current_user, membership, form.role.role,
                                                      form.reason.data or ""),
        lambda group, membership: _("Peran %(name)s sekarang %(role)s.",
                                    name=membership.user.name,
                                    role=services.ROLE_LABELS[membership.role]),
    )


@bp.post("/<slug>/anggota/<int:membership_id>/keluarkan")
@login_required
def remove(slug: str, membership_id: int):
    return _change_member(
        slug, membership_id, "remove", DecisionForm,
        lambda authority, membership: authority.may_remove(membership),
        lambda membership, form: services.remove(current_user, membership,
                                                 form.reason.data or ""),
        lambda group, membership: _("%(name)s dikeluarkan dari %(kim)s.",
                                    name=membership.user.name, kim=group.name),
    )


# ---------------------------------------------------------------------------------------
# The profile (pengurus, admins; admins rename, move and deactivate in `kim_app.admin`)


@bp.route("/<slug>/ubah", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    group, authority = _managing(slug)
    form = ProfileForm(obj=group) if request.method == "GET" else ProfileForm()
    if form.validate_on_submit():
        changed = services.update_profile(
            current_user, group, description=form.description.data or "",
            contact=form.contact.data or "", founded_on=form.founded_on.data,
        )
        db.session.commit()
        flash(_("Profil KIM disimpan.") if changed else _("Tidak ada yang berubah."), "success")
        return redirect(url_for("kim.show", slug=group.slug))
    status = 422 if request.method == "POST" else 200
    return render_template("kim/edit.html", form=form, group=group, authority=authority,
                           can_admin_group=can_admin_kim_groups(current_user)), status


@bp.app_template_global()
def role_label(role) -> str:
    return str(services.ROLE_LABELS[role])


@bp.app_template_global()
def membership_status_label(status) -> str:
    return str(services.STATUS_LABELS[status])


@bp.app_template_global()
def member_roles() -> list[tuple[str, str]]:
    return [(role.value, str(label)) for role, label in services.ROLE_LABELS.items()]

