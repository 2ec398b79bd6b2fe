"""The one place where Maillage grants Wagtail permissions.

Each structure has an editors group (edit + publish on its page, images of its own collection), a volunteers
group « Bénévoles (service civique) » (edit only: they submit their changes to the structures' review
workflow, whose task, `StructureApprovalTask`, the structure's editors and its bassin's coordinators
approve); each
bassin has a coordinators group (add + edit + publish on the bassin's subtree, images of the bassin's
collection and its structures' sub-collections). Group membership is derived from `Membership` and
`Coordination` rows by `sync_user_groups`. Every function here is idempotent: calling it again repairs,
never duplicates.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.permission_policies.base import BasePermissionPolicy

from .enums import EDITING_ROLES, SUBMITTING_ROLES
from .models import (
    BassinPage,
    Coordination,
    Membership,
    MembershipRequest,
    StructureApprovalTask,
    StructurePage,
)

STRUCTURE_PAGE_PERMISSIONS = ("change_page", "publish_page", "lock_page", "unlock_page")
BASSIN_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
VOLUNTEER_PAGE_PERMISSIONS = ("change_page",)
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image", "delete_image")
VOLUNTEER_IMAGE_PERMISSIONS = ("add_image", "choose_image")
VOLUNTEERS_GROUP_PREFIX = "Bénévoles (service civique)"
GROUP_NAME_MAX = 150


def _permissions(app_label: str, codenames) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def _ensure_group(current: Group | None, name: str) -> Group:
    if current is not None:
        return current
    group, _created = Group.objects.get_or_create(name=name[:GROUP_NAME_MAX])
    return group


def _ensure_collection(current: Collection | None, parent: Collection, name: str) -> Collection:
    if current is not None:
        return current
    existing = parent.get_children().filter(name=name).first()
    return existing or parent.add_child(name=name)


def _grant_all(grants) -> None:
    """Give each group its rights on its page and collection; rows a group already has are left as they are.

    `grants` holds (group, page, page codenames, collection or None, image codenames): one query per
    table for all of them, so that granting the rights of a whole import costs no more than granting one
    structure's.
    """
    permissions = {}

    def rows(app_label, codenames):
        if (app_label, codenames) not in permissions:
            permissions[app_label, codenames] = _permissions(app_label, codenames)
        return permissions[app_label, codenames]

    through = Group.permissions.through
    through.objects.bulk_create(
        [
            through(group_id=group.pk, permission_id=permission.pk)
            for group in {grant[0] for grant in grants}
            for permission in rows("wagtailadmin", ("access_admin",))
        ],
        ignore_conflicts=True,
    )
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page=page, permission=permission)
            for group, page, page_codenames, _collection, _images in grants
            for permission in rows("wagtailcore", page_codenames)
        ],
        ignore_conflicts=True,
    )
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection=collection, permission=permission)
            for group, _page, _codenames, collection, image_codenames in grants
            if collection is not None
            for permission in rows("wagtailimages", image_codenames)
        ],
        ignore_conflicts=True,
    )


def _ensure_review_workflow(structures) -> Workflow:
    """Put the structures' pages under the one review workflow of the structures (created on first use).

    Its one task, `StructureApprovalTask`, is approved by those who may publish the page; publishers
    (editors, coordinators) still publish directly: only the volunteers must submit.
    """
    workflow, _created = Workflow.objects.get_or_create(
        name=str(_("Relecture des propositions des bénévoles"))
    )
    if not workflow.workflow_tasks.exists():
        task = StructureApprovalTask.objects.create(name=str(_("Validation par la structure")))
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.bulk_create(
        [WorkflowPage(page=structure, workflow=workflow) for structure in structures],
        update_conflicts=True,
        unique_fields=["page"],
        update_fields=["workflow"],
    )
    return workflow


@transaction.atomic
def grant_bassin_permissions(bassin: BassinPage) -> Group:
    """Make sure the bassin has its coordinators group and image collection, with their rights."""
    bassin.collection = _ensure_collection(bassin.collection, Collection.get_first_root_node(), bassin.title)
    bassin.coordinators_group = _ensure_group(bassin.coordinators_group, f"Coordination · {bassin.title}")
    BassinPage.objects.filter(pk=bassin.pk).update(
        collection=bassin.collection, coordinators_group=bassin.coordinators_group
    )
    _grant_all(
        [(bassin.coordinators_group, bassin, BASSIN_PAGE_PERMISSIONS, bassin.collection, IMAGE_PERMISSIONS)]
    )
    return bassin.coordinators_group


@transaction.atomic
def grant_structure_permissions(structure: StructurePage) -> Group:
    """Make sure the structure has its editors group and image collection (inside its bassin's), with rights.

    The group is found through the page's own foreign key, so renaming the structure never orphans it.
    """
    grant_structures_permissions(bassin=structure.bassin, structures=[structure])
    return structure.editors_group


def ensure_structure_collection(structure: StructurePage) -> None:
    """Give a structure created without one (an import) its image collection and its groups' image rights.

    No query when the structure has them already: callers may call it on every edit.
    """
    if structure.collection_id is None or structure.editors_group_id is None:
        grant_structure_permissions(structure)


def _structure_groups(structures) -> None:
    """Set each structure's missing editors and volunteers groups: found by name, else created in bulk."""
    wanted = {}
    for structure in structures:
        if structure.editors_group_id is None:
            name = f"Structure · {structure.title} ({structure.slug})"[:GROUP_NAME_MAX]
            wanted.setdefault(name, []).append((structure, "editors_group"))
        if structure.volunteers_group_id is None:
            name = f"{VOLUNTEERS_GROUP_PREFIX} · {structure.title} ({structure.slug})"[:GROUP_NAME_MAX]
            wanted.setdefault(name, []).append((structure, "volunteers_group"))
    groups = {group.name: group for group in Group.objects.filter(name__in=wanted)}
    created = Group.objects.bulk_create([Group(name=name) for name in wanted if name not in groups])
    groups |= {group.name: group for group in created}
    for name, links in wanted.items():
        for structure, attribute in links:
            setattr(structure, attribute, groups[name])


@transaction.atomic
def grant_structures_permissions(*, bassin: BassinPage, structures, image_collections: bool = True) -> None:
    """`grant_structure_permissions` for structures of one bassin at once (an import creates thousands).

    The same rows, written in bulk: a few queries for the whole batch, plus one insertion in Wagtail's
    collection tree per new image collection (a tree node has no bulk insertion). Collections are added in
    name order, so that in a new bassin each goes after its siblings and none has to move.

    With `image_collections=False` (an import) a structure without a collection gets none yet, and its groups
    no image rights: nobody is in those groups before the structure's first member, and Wagtail's tree
    insertion is most of what a new place costs. `ensure_structure_collection` gives the collection, and the
    groups their image rights, when someone first needs them: the first member (`domain.add_member`) or the
    first opening of the page in the admin editor (a coordinator adding photos).
    """
    structures = list(structures)
    if bassin.collection is None or bassin.coordinators_group is None:
        grant_bassin_permissions(bassin)
    homeless = [s for s in structures if image_collections and s.collection_id is None]
    if homeless:
        collections = {
            collection.name: collection
            for collection in bassin.collection.get_children().filter(
                name__in={structure.title for structure in homeless}
            )
        }
        for structure in sorted(homeless, key=lambda structure: structure.title):
            if structure.title not in collections:
                collections[structure.title] = bassin.collection.add_child(name=structure.title)
            structure.collection = collections[structure.title]
    _structure_groups(structures)
    StructurePage.objects.bulk_update(structures, ["collection", "editors_group", "volunteers_group"])
    _grant_all(
        [
            grant
            for structure in structures
            for grant in (
                (
                    structure.editors_group,
                    structure,
                    STRUCTURE_PAGE_PERMISSIONS,
                    structure.collection,
                    IMAGE_PERMISSIONS,
                ),
                (
                    structure.volunteers_group,
                    structure,
                    VOLUNTEER_PAGE_PERMISSIONS,
                    structure.collection,
                    VOLUNTEER_IMAGE_PERMISSIONS,
                ),
            )
        ]
    )
    _ensure_review_workflow(structures)


def _managed_groups() -> set[int]:
    structure_groups = StructurePage.objects.exclude(editors_group=None).values_list(
        "editors_group", flat=True
    )
    volunteer_groups = StructurePage.objects.exclude(volunteers_group=None).values_list(
        "volunteers_group", flat=True
    )
    bassin_groups = BassinPage.objects.exclude(coordinators_group=None).values_list(
        "coordinators_group", flat=True
    )
    return set(structure_groups) | set(volunteer_groups) | set(bassin_groups)


@transaction.atomic
def sync_user_groups(user) -> None:
    """Put the user in exactly the Maillage groups their memberships and coordinations call for.

    Groups not managed by Maillage (e.g. Wagtail's "Moderators" given by hand) are left untouched.
    """
    wanted = (
        set(
            Membership.objects.filter(user=user, role__in=EDITING_ROLES)
            .exclude(structure__editors_group=None)
            .values_list("structure__editors_group", flat=True)
        )
        | set(
            Membership.objects.filter(user=user, role__in=SUBMITTING_ROLES)
            .exclude(structure__volunteers_group=None)
            .values_list("structure__volunteers_group", flat=True)
        )
        | set(
            Coordination.objects.filter(user=user)
            .exclude(bassin__coordinators_group=None)
            .values_list("bassin__coordinators_group", flat=True)
        )
    )
    managed = _managed_groups()
    current = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))


def coordinated_bassin_ids(user) -> list[int]:
    return list(Coordination.objects.filter(user=user).values_list("bassin_id", flat=True))


def can_manage_structure(user, structure: StructurePage) -> bool:
    """Whether the user may invite people to, and manage the members of, this structure.

    Superusers, the bassin's coordinators and the structure's own editors may; nobody may for a copy
    mirrored from another instance (federation), which is edited at its source only.
    """
    if not user.is_authenticated or structure.origin:
        return False
    if user.is_superuser:
        return True
    if structure.bassin_id in coordinated_bassin_ids(user):
        return True
    return Membership.objects.filter(user=user, structure=structure, role__in=EDITING_ROLES).exists()


def manageable_structures(user):
    """The structures whose members the user may manage (see `can_manage_structure`)."""
    return StructurePage.objects.managed_by(user)


def can_decide_request(user, request: MembershipRequest) -> bool:
    """Who may accept or refuse a request to join a structure: exactly those who manage its members.

    That is the structure's editors (`EDITING_ROLES`), its bassin's coordinators and superusers; a member
    in another role, or an editor of another structure, may not.
    """
    return can_manage_structure(user, request.structure)


def structure_managers(structure: StructurePage):
    """Active people who manage the structure's members by their role: its editors and its bassin's
    coordinators (superusers, who may too, are not listed: they are not the structure's contacts)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(pk__in=Membership.objects.filter(structure=structure).editing().values("user"))
            | Q(pk__in=Coordination.objects.filter(bassin=structure.bassin_id).values("user"))
        )
        .order_by("pk")
    )


def decidable_requests(user):
    """The pending requests the user may decide (see `can_decide_request`)."""
    if not user.is_authenticated:
        return MembershipRequest.objects.none()
    return MembershipRequest.objects.pending().filter(structure__in=manageable_structures(user).values("pk"))


# The professional area (`/pro/`) ---------------------------------------------------------------------


def is_network_member(user) -> bool:
    """Who may enter the professional area: people with a membership (any role) or a coordination, and
    superusers. Checked on every request (never cached), so that removing someone's last membership closes
    the area, and their private agenda feed, at once.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(user=user).exists()
        or Coordination.objects.filter(user=user).exists()
    )


def member_bassins(user):
    """The bassins a member belongs to: those of their structures and those they coordinate.

    Superusers belong to every bassin. One query when evaluated.
    """
    bassins = BassinPage.objects.all()
    if user.is_superuser:
        return bassins
    their_structures = Membership.objects.filter(user=user).values("structure__bassin")
    coordinated = Coordination.objects.filter(user=user).values("bassin")
    return bassins.filter(Q(pk__in=their_structures) | Q(pk__in=coordinated))


class CoordinationPermissionPolicy(BasePermissionPolicy):
    """Only superusers name bassin coordinators, by adding or removing a coordination, never by editing one.

    Editing a row in place would change groups behind `sync_user_groups`' back; the admin views call
    `domain.add_coordinator` / `domain.remove_coordinator` instead. No Django permission can widen this.
    """

    ACTIONS = frozenset({"add", "delete", "view"})

    def user_has_permission(self, user, action):
        return user.is_active and user.is_superuser and action in self.ACTIONS

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if self.ACTIONS & set(actions) else users.none()
