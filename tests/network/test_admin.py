"""The Wagtail admin as structure editors, bassin coordinators and superusers use it, at the HTTP level."""

import html

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from network import domain
from network.enums import MemberRole
from network.models import BassinPage, Coordination, Invitation, Membership, StructurePage
from tests.factories import PASSWORD, BassinFactory, StructureFactory, UserFactory, verify_email

ADMIN_HOME = "/admin/"


# Helpers ----------------------------------------------------------------------------------------------


def form_values(html: str, selector: str = "form#page-edit-form") -> dict[str, list[str]]:
    """What a browser would submit for the form as rendered, before anyone types anything."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled") or element.find_parent("template"):
            continue
        if element.name == "textarea":
            data.setdefault(name, []).append(element.get_text().removeprefix("\n"))
        elif element.name == "select":
            options = element.find_all("option")
            chosen = [option for option in options if option.has_attr("selected")]
            if not chosen and options and not element.has_attr("multiple"):
                chosen = options[:1]
            data.setdefault(name, []).extend(option.get("value", option.get_text()) for option in chosen)
        else:
            kind = element.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                continue
            if kind in {"checkbox", "radio"} and not element.has_attr("checked"):
                continue
            data.setdefault(name, []).append(element.get("value", "on" if kind == "checkbox" else ""))
    return data


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def add_structure_url(bassin) -> str:
    return reverse("wagtailadmin_pages:add", args=["network", "structurepage", bassin.pk])


def publish_edit(client, page, **changes):
    """GET the edit form, change some fields, POST it with "Publier"."""
    data = form_values(client.get(edit_url(page)).content.decode())
    data.update({name: [value] for name, value in changes.items()})
    data["action-publish"] = ["action-publish"]
    return client.post(edit_url(page), data)


def create_through_admin(client, bassin, publish=True, **fields):
    data = form_values(client.get(add_structure_url(bassin)).content.decode())
    data.update({name: [value] for name, value in fields.items()})
    if publish:
        data["action-publish"] = ["action-publish"]
    return client.post(add_structure_url(bassin), data)


def message_texts(response) -> list[str]:
    """Messages as a person reads them (Wagtail's admin messages are HTML, with room for buttons)."""
    return [html.unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


def members_url(structure) -> str:
    return reverse("network_admin:members", kwargs={"structure_id": structure.pk})


@pytest.fixture
def eager_tasks(settings):
    """Run Celery tasks in-process (Celery reads its `CELERY_` settings from Django's, live)."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def editor(db):
    structure = StructureFactory()
    user = UserFactory()
    domain.add_member(structure=structure, user=user, role=MemberRole.EDITOR)
    user.structure = structure
    return user


@pytest.fixture
def coordinator(db):
    bassin = BassinFactory()
    user = UserFactory()
    domain.add_coordinator(bassin=bassin, user=user)
    user.bassin = bassin
    return user


# Logging in and language -------------------------------------------------------------------------------


def test_admin_anonymous_redirects_to_allauth_login(client, db):
    response = client.get(ADMIN_HOME)

    assert (response.status_code, response["Location"]) == (302, "/comptes/login/?next=/admin/")


def test_login_by_email_editor_lands_in_admin(client, editor):
    verify_email(editor)
    response = client.post(
        "/comptes/login/?next=/admin/", {"login": editor.email, "password": PASSWORD, "next": "/admin/"}
    )
    dashboard = client.get(response["Location"])

    assert (response.status_code, response["Location"]) == (302, ADMIN_HOME)
    assert dashboard.status_code == 200


def test_login_without_next_editor_lands_in_admin(client, editor):
    verify_email(editor)
    response = client.post(reverse("account_login"), {"login": editor.email, "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, ADMIN_HOME)


def test_login_without_next_person_without_admin_access_lands_on_site(client, db):
    person = verify_email(UserFactory())

    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/")


def test_admin_dashboard_is_in_french(client, editor):
    client.force_login(editor)

    response = client.get(ADMIN_HOME)
    html = BeautifulSoup(response.content, "html.parser")

    assert html.find("html")["lang"] == "fr"
    assert "Tableau de bord" in response.content.decode()


def test_admin_account_offers_no_other_language(client, editor):
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_account"))

    assert 'name="locale-preferred_language"' not in response.content.decode()


# Explorer and page editing -----------------------------------------------------------------------------


def test_explorer_editor_starts_at_own_structure(client, editor):
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_explore_root"))

    assert response["Location"] == reverse("wagtailadmin_explore", args=[editor.structure.pk])


def test_explorer_editor_is_sent_back_from_bassin_to_own_structure(client, editor):
    client.force_login(editor)
    bassin = editor.structure.get_parent()

    response = client.get(reverse("wagtailadmin_explore", args=[bassin.pk]))

    assert response["Location"] == reverse("wagtailadmin_explore", args=[editor.structure.pk])


def test_explorer_coordinator_starts_at_bassin(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("wagtailadmin_explore_root"))

    assert response["Location"] == reverse("wagtailadmin_explore", args=[coordinator.bassin.pk])


def test_edit_own_structure_saves_and_publishes(client, editor):
    client.force_login(editor)

    response = publish_edit(
        client, editor.structure, presentation_resume="Ateliers d'initiation tous les mardis."
    )

    structure = StructurePage.objects.get(pk=editor.structure.pk)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("wagtailadmin_explore", args=[structure.get_parent().pk]),
    )
    assert structure.presentation_resume == "Ateliers d'initiation tous les mardis."
    assert (structure.live, structure.has_unpublished_changes) == (True, False)


def test_edit_page_is_in_french(client, editor):
    client.force_login(editor)

    response = client.get(edit_url(editor.structure))

    assert "Publier" in response.content.decode()


def test_edit_other_structure_get_is_denied(client, editor):
    other = StructureFactory()
    client.force_login(editor)

    response = client.get(edit_url(other))

    assert (response.status_code, response["Location"]) == (302, ADMIN_HOME)
    assert message_texts(response) == ["Désolé, vous n'avez pas les autorisations pour accéder à cette zone."]


def test_edit_other_structure_post_is_denied_and_unchanged(client, editor):
    other = StructureFactory(presentation_resume="Texte d'origine.")
    client.force_login(editor)
    data = form_values(client.get(edit_url(editor.structure)).content.decode())
    data.update(title=["Piratée"], slug=[other.slug], presentation_resume=["Modifiée"])
    data["action-publish"] = ["action-publish"]

    response = client.post(edit_url(other), data)

    other.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, ADMIN_HOME)
    assert (other.title, other.presentation_resume) == (other.draft_title, "Texte d'origine.")
    assert other.revisions.count() == 1


def test_editor_cannot_add_page_under_bassin(client, editor):
    client.force_login(editor)
    bassin = editor.structure.get_parent()

    chooser = client.get(reverse("wagtailadmin_pages:add_subpage", args=[bassin.pk]))
    form = client.get(add_structure_url(bassin))

    assert (chooser.status_code, chooser["Location"]) == (302, ADMIN_HOME)
    assert (form.status_code, form["Location"]) == (302, ADMIN_HOME)
    assert StructurePage.objects.count() == 1


def test_editor_cannot_add_page_under_own_structure(client, editor):
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[editor.structure.pk]))

    assert (response.status_code, response["Location"]) == (302, ADMIN_HOME)


def test_coordinator_edits_structure_inside_bassin(client, coordinator):
    inside = StructureFactory(bassin=coordinator.bassin)
    client.force_login(coordinator)

    response = publish_edit(client, inside, horaires="Mo-Fr 09:00-12:00")

    inside.refresh_from_db()
    assert response.status_code == 302
    assert inside.horaires == "Mo-Fr 09:00-12:00"


def test_coordinator_cannot_edit_structure_outside_bassin(client, coordinator):
    outside = StructureFactory()
    client.force_login(coordinator)

    response = client.get(edit_url(outside))

    assert (response.status_code, response["Location"]) == (302, ADMIN_HOME)


def test_coordinator_cannot_add_structure_in_other_bassin(client, coordinator):
    other_bassin = BassinFactory()
    client.force_login(coordinator)

    response = client.get(add_structure_url(other_bassin))

    assert (response.status_code, response["Location"]) == (302, ADMIN_HOME)


def test_coordinator_creates_structure_through_admin_with_group_and_collection(client, coordinator):
    bassin = coordinator.bassin
    client.force_login(coordinator)

    response = create_through_admin(
        client, bassin, title="Médiathèque de Vierzon", slug="mediatheque-vierzon", commune="Vierzon"
    )

    structure = StructurePage.objects.get(slug="mediatheque-vierzon")
    assert response.status_code == 302
    assert structure.live is True
    assert structure.get_parent().pk == bassin.pk
    assert structure.editors_group.name == "Structure · Médiathèque de Vierzon (mediatheque-vierzon)"
    assert structure.collection.get_parent() == bassin.collection
    newcomer = UserFactory()
    domain.add_member(structure=structure, user=newcomer)
    assert structure.permissions_for_user(newcomer).can_edit() is True


def test_draft_created_in_admin_keeps_group_when_published_later(client, coordinator):
    client.force_login(coordinator)
    create_through_admin(
        client,
        coordinator.bassin,
        publish=False,
        title="EPN du Blanc",
        slug="epn-le-blanc",
        commune="Le Blanc",
    )
    draft = StructurePage.objects.get(slug="epn-le-blanc")
    group_id, collection_id = draft.editors_group_id, draft.collection_id

    publish_edit(client, draft, presentation_resume="Ouvert à tous.")

    draft.refresh_from_db()
    assert (draft.live, draft.presentation_resume) == (True, "Ouvert à tous.")
    assert (draft.editors_group_id, draft.collection_id) == (group_id, collection_id)
    assert group_id is not None


def test_publishing_new_title_keeps_group_and_rights(client, editor):
    structure = editor.structure
    group_id, collection_id = structure.editors_group_id, structure.collection_id
    client.force_login(editor)

    publish_edit(client, structure, title="Nouveau nom de la structure")

    structure.refresh_from_db()
    assert structure.title == "Nouveau nom de la structure"
    assert (structure.editors_group_id, structure.collection_id) == (group_id, collection_id)
    assert client.get(edit_url(structure)).status_code == 200
    assert list(editor.groups.values_list("pk", flat=True)) == [group_id]


def test_add_structure_with_slug_used_in_other_bassin_shows_french_error(client, coordinator):
    StructureFactory(slug="france-services-aubigny")
    client.force_login(coordinator)

    response = create_through_admin(
        client, coordinator.bassin, title="France Services", slug="france-services-aubigny", commune="Aubigny"
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["slug"] == [
        "Une autre structure du territoire utilise déjà l'adresse « france-services-aubigny »."
    ]
    assert StructurePage.objects.filter(slug="france-services-aubigny").count() == 1


def test_edit_structure_with_slug_of_other_structure_shows_french_error(client, editor):
    StructureFactory(slug="epn-issoudun")
    client.force_login(editor)

    response = publish_edit(client, editor.structure, slug="epn-issoudun")

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [
        "Une autre structure du territoire utilise déjà l'adresse « epn-issoudun »."
    ]


# Images ------------------------------------------------------------------------------------------------


@pytest.fixture
def two_structures_with_images(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Image = get_image_model()
    other = StructureFactory()
    own_image = Image.objects.create(
        title="Salle informatique", file=get_test_image_file(), collection=editor.structure.collection
    )
    other_image = Image.objects.create(
        title="Bus numérique", file=get_test_image_file(), collection=other.collection
    )
    return own_image, other_image


def test_image_library_shows_only_own_collection(client, editor, two_structures_with_images):
    client.force_login(editor)

    response = client.get(reverse("wagtailimages:index"))

    titles = [image.title for image in response.context["page_obj"]]
    assert titles == ["Salle informatique"]


def test_image_chooser_shows_only_own_collection(client, editor, two_structures_with_images):
    client.force_login(editor)

    response = client.get(reverse("wagtailimages_chooser:choose"))

    assert "Salle informatique" in response.content.decode()
    assert "Bus numérique" not in response.content.decode()


def test_image_upload_hides_collection_choice_for_editor(client, editor):
    client.force_login(editor)

    response = client.get(reverse("wagtailimages:add"))

    assert "collection" not in response.context["form"].fields


def test_image_uploaded_by_editor_goes_to_structure_collection(client, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("facade.png", get_test_image_file().file.getvalue(), content_type="image/png")
    client.force_login(editor)

    response = client.post(reverse("wagtailimages:add"), {"title": "Façade", "file": upload})

    assert response.status_code == 302
    assert get_image_model().objects.get(title="Façade").collection == editor.structure.collection


def test_coordinator_upload_offers_bassin_and_its_structures_collections(client, coordinator):
    inside = StructureFactory(bassin=coordinator.bassin)
    StructureFactory()
    client.force_login(coordinator)

    response = client.get(reverse("wagtailimages:add"))

    choices = {collection.pk for collection in response.context["form"].fields["collection"].queryset}
    assert choices == {coordinator.bassin.collection_id, inside.collection_id}


def test_coordinator_image_library_covers_bassin_structures(client, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Image = get_image_model()
    inside, outside = StructureFactory(bassin=coordinator.bassin), StructureFactory()
    Image.objects.create(title="Dedans", file=get_test_image_file(), collection=inside.collection)
    Image.objects.create(title="Dehors", file=get_test_image_file(), collection=outside.collection)
    client.force_login(coordinator)

    response = client.get(reverse("wagtailimages:index"))

    assert [image.title for image in response.context["page_obj"]] == ["Dedans"]


# Members -----------------------------------------------------------------------------------------------


def test_members_view_lists_members_and_pending_invitations(client, editor, eager_tasks):
    structure = editor.structure
    mediator = UserFactory(first_name="Alex", last_name="Durand")
    domain.add_member(structure=structure, user=mediator, role=MemberRole.MEDIATEUR)
    domain.invite_member(structure=structure, email="nouvelle@exemple.fr", invited_by=editor)
    client.force_login(editor)

    response = client.get(members_url(structure))

    html = response.content.decode()
    assert response.status_code == 200
    assert [m.user for m in response.context["memberships"]] == sorted(
        [editor, mediator], key=lambda user: user.last_name
    )
    assert [i.email for i in response.context["invitations"]] == ["nouvelle@exemple.fr"]
    assert "Alex Durand" in html
    assert "Médiateur·rice" in html
    assert "Inviter une personne" in html


def test_members_view_editor_of_other_structure_gets_403(client, editor):
    other = StructureFactory()
    client.force_login(editor)

    response = client.get(members_url(other))

    assert response.status_code == 403
    assert "Vous ne gérez pas les membres" in response.content.decode()


def test_invite_for_other_structure_gets_403_and_sends_nothing(client, editor, eager_tasks):
    other = StructureFactory()
    client.force_login(editor)

    response = client.post(members_url(other), {"email": "x@exemple.fr", "role": MemberRole.EDITOR})

    assert response.status_code == 403
    assert (Invitation.objects.count(), len(mail.outbox)) == (0, 0)


def test_members_view_coordinator_of_other_bassin_gets_403(client, coordinator):
    outside = StructureFactory()
    client.force_login(coordinator)

    response = client.get(members_url(outside))

    assert response.status_code == 403


def test_members_view_coordinator_of_bassin_is_allowed(client, coordinator):
    inside = StructureFactory(bassin=coordinator.bassin)
    client.force_login(coordinator)

    response = client.get(members_url(inside))

    assert response.status_code == 200


def test_members_view_mediator_is_sent_to_login(client, db):
    structure, mediator = StructureFactory(), UserFactory()
    domain.add_member(structure=structure, user=mediator, role=MemberRole.MEDIATEUR)
    client.force_login(mediator)

    response = client.get(members_url(structure))

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def test_invite_sends_one_email_with_working_link(
    client, editor, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(editor.structure), {"email": "Nouvelle@Exemple.fr", "role": MemberRole.EDITOR}
        )

    invitation = Invitation.objects.get()
    link = reverse("network:accept_invitation", kwargs={"token": invitation.token})
    client.logout()
    landing = client.get(link)
    assert (response.status_code, response["Location"]) == (302, members_url(editor.structure))
    assert message_texts(response) == ["Invitation envoyée à nouvelle@exemple.fr."]
    assert [message.to for message in mail.outbox] == [["nouvelle@exemple.fr"]]
    assert f"http://127.0.0.1:8000{link}" in mail.outbox[0].body
    assert landing.status_code == 200
    assert (invitation.email, invitation.invited_by) == ("nouvelle@exemple.fr", editor)


def test_invite_existing_member_shows_error(client, editor):
    client.force_login(editor)

    response = client.post(members_url(editor.structure), {"email": editor.email, "role": MemberRole.EDITOR})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Cette personne est déjà membre de la structure."]
    assert Invitation.objects.count() == 0


def test_remove_member_asks_for_confirmation(client, editor):
    colleague = UserFactory()
    membership = domain.add_member(structure=editor.structure, user=colleague)
    client.force_login(editor)
    url = reverse(
        "network_admin:remove_member",
        kwargs={"structure_id": editor.structure.pk, "membership_id": membership.pk},
    )

    response = client.get(url)

    assert response.status_code == 200
    assert "Oui, retirer" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_remove_member_revokes_edit_rights_over_http(client, editor):
    colleague = UserFactory()
    membership = domain.add_member(structure=editor.structure, user=colleague)
    client.force_login(editor)
    url = reverse(
        "network_admin:remove_member",
        kwargs={"structure_id": editor.structure.pk, "membership_id": membership.pk},
    )

    response = client.post(url)
    client.force_login(colleague)
    edit_attempt = client.get(edit_url(editor.structure))

    assert (response.status_code, response["Location"]) == (302, members_url(editor.structure))
    assert Membership.objects.filter(pk=membership.pk).exists() is False
    assert edit_attempt.status_code == 302
    assert edit_attempt["Location"].startswith("/comptes/login/")


def test_remove_member_of_other_structure_gets_403(client, editor):
    other = StructureFactory()
    stranger = UserFactory()
    membership = domain.add_member(structure=other, user=stranger)
    client.force_login(editor)
    url = reverse(
        "network_admin:remove_member", kwargs={"structure_id": other.pk, "membership_id": membership.pk}
    )

    response = client.post(url)

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists() is True


def test_remove_member_through_own_structure_url_cannot_reach_other_structure(client, editor):
    other = StructureFactory()
    membership = domain.add_member(structure=other, user=UserFactory())
    client.force_login(editor)
    url = reverse(
        "network_admin:remove_member",
        kwargs={"structure_id": editor.structure.pk, "membership_id": membership.pk},
    )

    response = client.post(url)

    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists() is True


def test_revoke_invitation_stops_link(client, editor):
    invitation = Invitation.objects.create(structure=editor.structure, email="a@exemple.fr")
    client.force_login(editor)
    url = reverse(
        "network_admin:revoke_invitation",
        kwargs={"structure_id": editor.structure.pk, "invitation_id": invitation.pk},
    )

    response = client.post(url)
    client.logout()
    landing = client.get(reverse("network:accept_invitation", kwargs={"token": invitation.token}))

    invitation.refresh_from_db()
    assert response.status_code == 302
    assert invitation.revoked_at is not None
    assert landing.status_code == 410


def test_revoke_invitation_by_get_is_refused(client, editor):
    invitation = Invitation.objects.create(structure=editor.structure, email="a@exemple.fr")
    client.force_login(editor)
    url = reverse(
        "network_admin:revoke_invitation",
        kwargs={"structure_id": editor.structure.pk, "invitation_id": invitation.pk},
    )

    response = client.get(url)

    invitation.refresh_from_db()
    assert response.status_code == 405
    assert invitation.revoked_at is None


def test_resend_invitation_sends_new_link_and_revokes_old(
    client, editor, eager_tasks, django_capture_on_commit_callbacks
):
    old = Invitation.objects.create(
        structure=editor.structure, email="a@exemple.fr", role=MemberRole.RESPONSABLE
    )
    client.force_login(editor)
    url = reverse(
        "network_admin:resend_invitation",
        kwargs={"structure_id": editor.structure.pk, "invitation_id": old.pk},
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    old.refresh_from_db()
    new = Invitation.objects.exclude(pk=old.pk).get()
    assert old.revoked_at is not None
    assert (new.email, new.role, new.is_pending) == ("a@exemple.fr", MemberRole.RESPONSABLE, True)
    assert len(mail.outbox) == 1
    assert new.token in mail.outbox[0].body


def test_my_structures_lists_manageable_structures_with_counts(client, coordinator, eager_tasks):
    first = StructureFactory(bassin=coordinator.bassin, title="A — Médiathèque")
    StructureFactory(bassin=coordinator.bassin, title="B — EPN")
    StructureFactory(title="Ailleurs")
    domain.add_member(structure=first, user=UserFactory())
    domain.add_member(structure=first, user=UserFactory(), role=MemberRole.BENEVOLE)
    domain.invite_member(structure=first, email="c@exemple.fr", invited_by=coordinator)
    client.force_login(coordinator)

    response = client.get(reverse("network_admin:structures"))

    rows = [
        (s.title, s.bassin_title, s.member_count, s.pending_count) for s in response.context["structures"]
    ]
    assert rows == [
        ("A — Médiathèque", coordinator.bassin.title, 2, 1),
        ("B — EPN", coordinator.bassin.title, 0, 0),
    ]


def test_my_structures_for_editor_lists_own_structure_counting_all_members(client, editor):
    domain.add_member(structure=editor.structure, user=UserFactory())
    client.force_login(editor)

    response = client.get(reverse("network_admin:structures"))

    assert [(s.pk, s.member_count) for s in response.context["structures"]] == [(editor.structure.pk, 2)]


def test_my_structures_query_count_does_not_grow_with_structures(client, coordinator):
    client.force_login(coordinator)
    url = reverse("network_admin:structures")

    def queries_for_listing(structure_count):
        for _index in range(structure_count):
            structure = StructureFactory(bassin=coordinator.bassin)
            domain.add_member(structure=structure, user=UserFactory())
        client.get(url)  # warm per-process caches (content types, site root paths)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), len(response.context["structures"])

    small = queries_for_listing(2)
    large = queries_for_listing(10)

    assert (small[1], large[1]) == (2, 12)
    assert small[0] == large[0]


def test_menu_shows_my_structures_to_editor(client, editor):
    client.force_login(editor)

    response = client.get(ADMIN_HOME)

    assert reverse("network_admin:structures") in response.content.decode()


def test_menu_hides_my_structures_from_superuser_without_structures(client, db):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.get(ADMIN_HOME)

    assert reverse("network_admin:structures") not in response.content.decode()


def test_edit_page_header_has_members_button_for_manager(client, editor):
    client.force_login(editor)

    response = client.get(edit_url(editor.structure))

    assert members_url(editor.structure) in response.content.decode()


def test_explorer_listing_has_members_button_for_coordinator(client, coordinator):
    inside = StructureFactory(bassin=coordinator.bassin)
    client.force_login(coordinator)

    response = client.get(reverse("wagtailadmin_explore", args=[coordinator.bassin.pk]))

    assert members_url(inside) in response.content.decode()


# Coordinations (superusers) ----------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def test_superuser_names_coordinator_through_admin_and_groups_follow(client, superuser):
    bassin, person = BassinFactory(), UserFactory()
    client.force_login(superuser)

    response = client.post(reverse("coordinations:add"), {"user": person.pk, "bassin": bassin.pk})

    assert response.status_code == 302
    assert list(Coordination.objects.values_list("user", "bassin")) == [(person.pk, bassin.pk)]
    assert list(person.groups.values_list("pk", flat=True)) == [bassin.coordinators_group_id]
    assert bassin.permissions_for_user(person).can_add_subpage() is True


def test_superuser_naming_same_coordinator_twice_shows_error(client, superuser):
    bassin, person = BassinFactory(), UserFactory()
    domain.add_coordinator(bassin=bassin, user=person)
    client.force_login(superuser)

    response = client.post(reverse("coordinations:add"), {"user": person.pk, "bassin": bassin.pk})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Un objet Coordination de bassin avec ces champs Personne et Bassin existe déjà."
    ]
    assert Coordination.objects.count() == 1


def test_superuser_removes_coordinator_and_rights_go(client, superuser):
    bassin, person = BassinFactory(), UserFactory()
    coordination = domain.add_coordinator(bassin=bassin, user=person)
    client.force_login(superuser)

    response = client.post(reverse("coordinations:delete", args=[coordination.pk]))

    assert response.status_code == 302
    assert Coordination.objects.count() == 0
    assert list(person.groups.all()) == []
    assert Page.objects.get(pk=bassin.pk).permissions_for_user(person).can_edit() is False


def test_coordinations_cannot_be_edited_in_place(client, superuser):
    coordination = domain.add_coordinator(bassin=BassinFactory(), user=UserFactory())
    client.force_login(superuser)

    response = client.get(reverse("coordinations:edit", args=[coordination.pk]))

    assert (response.status_code, response["Location"]) == (302, ADMIN_HOME)


def test_coordinations_index_lists_for_superuser(client, superuser):
    bassin = BassinFactory(title="Bassin de Vierzon")
    domain.add_coordinator(bassin=bassin, user=UserFactory(email="coord@exemple.fr"))
    client.force_login(superuser)

    response = client.get(reverse("coordinations:index"))

    assert response.status_code == 200
    assert "Bassin de Vierzon" in response.content.decode()


def test_coordinations_are_denied_to_coordinator(client, coordinator):
    client.force_login(coordinator)

    index = client.get(reverse("coordinations:index"))
    add = client.post(reverse("coordinations:add"), {"user": coordinator.pk, "bassin": BassinFactory().pk})

    assert (index.status_code, index["Location"]) == (302, ADMIN_HOME)
    assert (add.status_code, add["Location"]) == (302, ADMIN_HOME)
    assert Coordination.objects.count() == 1


def test_superuser_creates_bassin_through_admin_with_group_and_collection(client, superuser, home_page):
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:add", args=["network", "bassinpage", home_page.pk])
    data = form_values(client.get(url).content.decode())
    data.update(title=["Bassin de Romorantin"], slug=["bassin-romorantin"])
    data["action-publish"] = ["action-publish"]

    response = client.post(url, data)

    bassin = BassinPage.objects.get(slug="bassin-romorantin")
    assert response.status_code == 302
    assert bassin.coordinators_group.name == "Coordination · Bassin de Romorantin"
    assert bassin.collection.name == "Bassin de Romorantin"


def test_copying_structure_is_refused(client, coordinator):
    structure = StructureFactory(bassin=coordinator.bassin)
    client.force_login(coordinator)
    url = reverse("wagtailadmin_pages:copy", args=[structure.pk])

    response = client.post(
        url,
        {"new_title": "Copie", "new_slug": "copie", "new_parent_page": coordinator.bassin.pk},
    )

    assert response["Location"] == reverse("wagtailadmin_explore", args=[coordinator.bassin.pk])
    assert message_texts(response)[-1].startswith("Une structure ou un bassin ne se copie pas")
    assert list(StructurePage.objects.values_list("pk", flat=True)) == [structure.pk]


# Members in every role, requests to join, internal fields ------------------------------------------------


def test_invite_form_offers_every_role(client, editor):
    client.force_login(editor)

    response = client.get(members_url(editor.structure))

    options = BeautifulSoup(response.content, "html.parser").select("select[name=role] option")
    assert [option["value"] for option in options] == [
        MemberRole.EDITOR,
        MemberRole.RESPONSABLE,
        MemberRole.MEDIATEUR,
        MemberRole.BENEVOLE,
        MemberRole.SERVICE_CIVIQUE,
    ]


def test_invited_volunteer_joins_without_editing_rights_but_enters_pro_area(
    client, editor, eager_tasks, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(members_url(editor.structure), {"email": "civique@exemple.fr", "role": "service_civique"})
    invitation = Invitation.objects.get()
    volunteer = UserFactory(email="civique@exemple.fr")
    client.force_login(volunteer)

    accepted = client.post(reverse("network:accept_invitation", kwargs={"token": invitation.token}))

    assert Membership.objects.get(user=volunteer).role == MemberRole.SERVICE_CIVIQUE
    assert accepted["Location"] == reverse("pro:home")
    assert client.get(reverse("pro:home")).status_code == 200
    assert client.get(edit_url(editor.structure)).status_code == 302
    assert "espace professionnel" in mail.outbox[0].body


@pytest.fixture
def join_request(editor):
    asker = UserFactory(first_name="Noé", last_name="Petit", email="noe@exemple.fr")
    return domain.request_membership(
        user=asker, structure=editor.structure, role=MemberRole.MEDIATEUR, message="Je suis là le jeudi."
    )


def request_action_url(request, action) -> str:
    return reverse(
        f"network_admin:{action}_request",
        kwargs={"structure_id": request.structure_id, "request_id": request.pk},
    )


def test_members_view_lists_pending_requests(client, editor, join_request):
    client.force_login(editor)

    response = client.get(members_url(editor.structure))

    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())
    assert response.context["requests"] == [join_request]
    assert "Demandes pour rejoindre la structure" in text
    assert "Je suis là le jeudi." in text


def test_admin_accept_request_makes_member(client, editor, join_request):
    client.force_login(editor)

    response = client.post(request_action_url(join_request, "accept"))

    assert (response.status_code, response["Location"]) == (302, members_url(editor.structure))
    assert message_texts(response) == [f"Noé Petit fait maintenant partie de « {editor.structure.title} »."]
    assert Membership.objects.get(user=join_request.user).role == MemberRole.MEDIATEUR


def test_admin_refuse_request_records_refusal(client, editor, join_request):
    client.force_login(editor)

    client.post(request_action_url(join_request, "refuse"), {"reason": "Inconnu·e de l'équipe."})

    join_request.refresh_from_db()
    assert (join_request.status, join_request.reason) == ("refusee", "Inconnu·e de l'équipe.")


def test_admin_accept_request_of_other_structure_gets_403(client, join_request):
    other_editor = UserFactory()
    domain.add_member(structure=StructureFactory(), user=other_editor)
    client.force_login(other_editor)

    response = client.post(request_action_url(join_request, "accept"))

    assert response.status_code == 403
    assert Membership.objects.filter(user=join_request.user).count() == 0


def test_admin_request_action_get_is_not_allowed(client, editor, join_request):
    client.force_login(editor)

    assert client.get(request_action_url(join_request, "accept")).status_code == 405


def test_edit_form_has_internal_tab_and_editor_saves_internal_fields(client, editor):
    client.force_login(editor)
    html = client.get(edit_url(editor.structure)).content.decode()

    response = publish_edit(
        client,
        editor.structure,
        referral_contact="Appeler Sophie au 02 48 00 00 00, le matin.",
        intake_capacity="Deux rendez-vous CAF par semaine.",
    )

    saved = StructurePage.objects.get(pk=editor.structure.pk)
    assert "Réseau (interne)" in html
    assert 'name="referral_contact"' in html and 'name="intake_capacity"' in html
    assert response.status_code == 302
    assert (saved.referral_contact, saved.intake_capacity) == (
        "Appeler Sophie au 02 48 00 00 00, le matin.",
        "Deux rendez-vous CAF par semaine.",
    )
