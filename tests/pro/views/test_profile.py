"""`/pro/profil/`: a member writes their professional profile and chooses who sees it."""

from bs4 import BeautifulSoup
from django.urls import reverse

from network.models import MemberProfile, ProfileVisibility


def test_profile_page_explains_each_visibility(client, territory):
    client.force_login(territory["member"])

    response = client.get(reverse("pro:profile"))

    soup = BeautifulSoup(response.content, "html.parser")
    radios = soup.select("input[name=visibility]")
    assert [radio["value"] for radio in radios] == ["reseau", "bassin", "masque"]
    assert [radio.has_attr("checked") for radio in radios] == [False, True, False]
    hints = [soup.find(id=radio["aria-describedby"]).get_text() for radio in radios]
    assert hints[0].startswith("Tous les membres du réseau")
    assert hints[2].startswith("Vous n'apparaissez pas dans l'annuaire")
    assert soup.select_one("label[for=id_display_name]").get_text(strip=True) == "Nom affiché"
    assert MemberProfile.objects.count() == 0


def test_profile_save_creates_profile(client, territory):
    client.force_login(territory["member"])

    response = client.post(
        reverse("pro:profile"),
        {
            "display_name": "Inès A.",
            "job_title": "Conseillère numérique",
            "topics": "démarches, seniors",
            "languages": "français, espagnol",
            "can_help_with": "Pix",
            "phone": "02 48 12 34 56",
            "visibility": "reseau",
        },
    )

    profile = MemberProfile.objects.get(user=territory["member"])
    assert (response.status_code, response["Location"]) == (302, reverse("pro:profile"))
    assert (profile.display_name, profile.phone, profile.visibility, profile.topic_list) == (
        "Inès A.",
        "+33248123456",
        ProfileVisibility.NETWORK,
        ["démarches", "seniors"],
    )


def test_profile_bad_phone_is_explained(client, territory):
    client.force_login(territory["member"])

    response = client.post(reverse("pro:profile"), {"phone": "12", "visibility": "bassin"})

    soup = BeautifulSoup(response.content, "html.parser")
    phone = soup.select_one("#id_phone")
    assert response.status_code == 200
    assert phone["aria-invalid"] == "true"
    assert "Numéro de téléphone non reconnu" in soup.find(id="id_phone_error").get_text()
    assert MemberProfile.objects.count() == 0


def test_profile_edit_updates_existing(client, territory):
    MemberProfile.objects.create(user=territory["member"], job_title="Avant")
    client.force_login(territory["member"])

    client.post(reverse("pro:profile"), {"job_title": "Après", "visibility": "masque"})

    profile = MemberProfile.objects.get()
    assert (profile.job_title, profile.visibility) == ("Après", ProfileVisibility.HIDDEN)
