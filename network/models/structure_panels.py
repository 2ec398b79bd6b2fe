"""The tabs of a structure's form in the Wagtail admin (« Fiche », « Offre », « Équipement », « Réseau
(interne) », « Identité et labels »…): what a librarian fills in first comes first, the national standard's
identity last. Apart from `structure.py` so that the page model stays readable."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.models import Page

from ..widgets import AddressLookupWidget, OpeningHoursWidget

CONTENT_PANELS = Page.content_panels + [
    MultiFieldPanel(
        [FieldPanel("presentation_resume"), FieldPanel("presentation_detail"), InlinePanel("photos")],
        heading=_("Présentation"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("adresse", widget=AddressLookupWidget),
            FieldPanel("complement_adresse"),
            FieldRowPanel([FieldPanel("code_postal"), FieldPanel("commune"), FieldPanel("code_insee")]),
            FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        ],
        heading=_("Adresse"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("telephone"),
            FieldPanel("courriels"),
            FieldPanel("site_web"),
            FieldPanel("prise_rdv"),
            FieldPanel(
                "horaires",
                widget=OpeningHoursWidget,
                help_text=_(
                    "Jour par jour, une plage par période d'ouverture (le matin, l'après-midi) ; "
                    "un jour sans plage est fermé."
                ),
            ),
            FieldPanel("waiting_list"),
        ],
        heading=_("Contact et horaires"),
    ),
]
OFFER_PANELS = [
    FieldPanel("services"),
    FieldPanel("publics_specifiquement_adresses"),
    FieldPanel("prise_en_charge_specifique"),
    FieldPanel("frais_a_charge"),
    FieldPanel("modalites_acces"),
    FieldPanel("modalites_accompagnement"),
    FieldPanel("fiche_acces_libre"),
    MultiFieldPanel(
        [FieldPanel("itinerance"), InlinePanel("stops", label=_("Étape"))],
        heading=_("Itinérance"),
    ),
]
EQUIPMENT_PANELS = [
    FieldRowPanel([FieldPanel("computers"), FieldPanel("laptops"), FieldPanel("tablets")]),
    FieldRowPanel([FieldPanel("has_printer"), FieldPanel("has_free_wifi")]),
    FieldPanel("equipment_note"),
]
IDENTITY_PANELS = [
    FieldPanel("status"),
    FieldPanel("receives_public"),
    FieldPanel("typologie"),
    FieldPanel("pivot"),
    FieldPanel("structure_parente"),
    FieldPanel("dispositif_programmes_nationaux"),
    FieldPanel("formations_labels"),
    FieldPanel("autres_formations_labels"),
    FieldPanel("labels_regionaux"),
    FieldPanel("schema_id"),
    FieldPanel("source"),
]
INTERNAL_PANELS = [
    HelpPanel(
        content=_(
            "<p>Ces informations ne sont <strong>jamais publiées</strong> : ni sur la fiche publique, ni "
            "dans l'annuaire, ni dans les données ouvertes. Seuls les membres du réseau les voient, dans "
            "l'espace professionnel (« Structures du réseau »), pour orienter une personne vers vous.</p>"
        )
    ),
    FieldPanel("referral_contact"),
    FieldPanel("intake_capacity"),
]
EDIT_HANDLER = TabbedInterface(
    [
        ObjectList(CONTENT_PANELS, heading=_("Fiche")),
        ObjectList(OFFER_PANELS, heading=_("Offre")),
        ObjectList(EQUIPMENT_PANELS, heading=_("Équipement")),
        ObjectList(INTERNAL_PANELS, heading=_("Réseau (interne)")),
        ObjectList(IDENTITY_PANELS, heading=_("Identité et labels")),
        ObjectList(Page.promote_panels, heading=_("Référencement")),
        ObjectList(Page.settings_panels, heading=_("Publication")),
    ]
)
