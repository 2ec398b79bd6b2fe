"""The Wagtail admin as structure editors, bassin coordinators and superusers use it, at the HTTP level:
logging in, the page explorer and editor, images, and the coordinations screen."""

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from network import domain
from network.models import BassinPage, Coordination, StructurePage
from tests.factories import PASSWORD, BassinFactory, StructureFactory, UserFactory, verify_email
from tests.network.admin_forms import (
    add_structure_url,
    create_through_admin,
    edit_url,
    form_values,
    message_texts,
    publish_edit,
)

ADMIN_HOME = "/admin/"


# Logging in and language -------------------------------------------------------------------------------


def test_admin_anonymous_redirects_to_allauth_login(client, db):
    response = client.get(ADMIN_HOME, follow=True)

    # Through « Accès réservé » (WAGTAILADMIN_LOGIN_URL), which sends a visitor not signed in on to log in.
    assert response.redirect_chain[-1] == ("/comptes/login/?next=/admin/", 302)
    assert response.status_code == 200


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


def test_imported_structure_gets_its_collection_when_first_edited(client, coordinator):
    (structure,) = domain.create_structures(
        bassin=coordinator.bassin,
        structures=[StructurePage(title="Lieu importé", slug="lieu-importe", commune="Vierzon")],
    )
    assert structure.collection_id is None
    client.force_login(coordinator)

    response = client.get(edit_url(structure))

    structure.refresh_from_db()
    assert response.status_code == 200
    assert structure.collection.get_parent() == coordinator.bassin.collection
    published = publish_edit(client, structure, presentation_resume="Ouvert à tous.")
    collection_id = structure.collection_id
    structure.refresh_from_db()
    assert published.status_code == 302, message_texts(published)
    assert (structure.presentation_resume, structure.collection_id) == ("Ouvert à tous.", collection_id)
