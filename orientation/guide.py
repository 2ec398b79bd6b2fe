"""The guided path « Trouver de l'aide » (`/aide/`) and its kiosk twin (`/borne/<bassin>/`): steps, answers.

Why plain GET steps: the path must work without JavaScript, on an old phone or a town-hall tablet. Each step
is its own URL; the answers given so far travel as hidden fields (`HelpQuery.to_params`), so « Retour », a
reload, a bookmark or a QR code always lands on the same screen with the same answers. Nothing is kept on
the server between steps.
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from network.enums import ModaliteAcces

from .search import HelpQuery

# The three questions, in order; the result comes after them.
NEED, WHERE, MATTERS, RESULT = "need", "where", "matters", "result"
QUESTIONS = (NEED, WHERE, MATTERS)
# The GET keys each question sets: its own screen shows them as fields, the other screens carry them hidden.
STEP_KEYS = {
    NEED: {"besoin", "q"},
    WHERE: {"pres", "lat", "lon"},
    MATTERS: {"critere", "public"},
    RESULT: set(),
}
URL_SUFFIXES = {NEED: "", WHERE: "_where", MATTERS: "_matters", RESULT: "_result"}


@dataclass(frozen=True)
class GuideFlow:
    """Where the path runs: the public site (`bassin` None) or a kiosk restricted to one bassin."""

    bassin: object = None  # network.models.BassinPage

    @property
    def kiosk(self) -> bool:
        return self.bassin is not None

    @property
    def layout(self) -> str:
        """The kiosk has its own frame, without the site's header and footer (no way out of the path)."""
        return "orientation/kiosk/base.html" if self.kiosk else "base.html"

    def url(self, step: str, query: HelpQuery | None = None) -> str:
        """The URL of `step`, carrying every answer of `query`: the screen shows its own answers as chosen
        (to change them) and carries the others hidden."""
        if self.kiosk:
            path = reverse(f"orientation:kiosk{URL_SUFFIXES[step]}", kwargs={"bassin": self.bassin.slug})
        else:
            path = reverse(f"orientation:guide{URL_SUFFIXES[step]}")
        params = query.to_params() if query is not None else []
        return f"{path}?{urlencode(params)}" if params else path

    def restrict(self, query: HelpQuery) -> HelpQuery:
        """A kiosk shows the places of its own bassin only, whatever the link says."""
        if not self.kiosk:
            return query
        return replace(query, bassin_id=self.bassin.pk, include_pro=False)


def carried_params(query: HelpQuery, step: str) -> list[tuple[str, str]]:
    """The answers to carry as hidden fields on `step`'s screen: all but those the screen asks again."""
    keys = STEP_KEYS.get(step, set())
    return [(key, value) for key, value in query.to_params() if key not in keys]


def step_number(step: str) -> int:
    return QUESTIONS.index(step) + 1


def result_share_path(query: HelpQuery) -> str:
    """The public result page of these answers (for a phone, via the QR code): never the kiosk's."""
    params = query.to_params()
    path = reverse("orientation:guide_result")
    return f"{path}?{urlencode(params)}" if params else path


@dataclass(frozen=True)
class Access:
    """One way to reach a place (« Venir sans rendez-vous », « Appeler le 02 54 … »), for the result."""

    kind: str  # "visit", "phone", "online", "email"
    label: str
    href: str = ""  # empty on a kiosk: nothing leaves the path there


def how_to_go(structure, *, kiosk: bool = False) -> list[Access]:
    """The ways to reach `structure` that it declares (its `modalites_acces`), in plain words.

    A place that declares none is reached as people do anyway: they go, or they call first."""
    modes = set(structure.modalites_acces or ())
    phone = structure.telephone[0] if structure.telephone else ""
    email = structure.courriels[0] if structure.courriels else ""
    ways = []
    if ModaliteAcces.SE_PRESENTER in modes:
        ways.append(Access("visit", str(_("Venez sans rendez-vous, aux heures d'ouverture."))))
    if ModaliteAcces.TELEPHONER in modes and phone:
        ways.append(Access("phone", str(_("Appelez pour prendre rendez-vous."))))
    if ModaliteAcces.RDV_EN_LIGNE in modes and structure.prise_rdv:
        ways.append(
            Access(
                "online",
                str(_("Prenez rendez-vous sur Internet.")),
                "" if kiosk else structure.prise_rdv,
            )
        )
    if ModaliteAcces.MAIL in modes and email:
        ways.append(Access("email", str(_("Écrivez pour prendre rendez-vous."))))
    if not ways:
        if phone:
            ways.append(Access("phone", str(_("Appelez avant de venir."))))
        else:
            ways.append(Access("visit", str(_("Venez aux heures d'ouverture."))))
    return ways
