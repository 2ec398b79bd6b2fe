"""What the calendar screens say, in the words of the people who use them (librarians, social workers).

The sync engine reports states, counts and warning codes; here they become sentences, and each warning gets
what to do about it. Kept apart from the views (`calendars.views`) so that wording can change without
touching the flow; the listing's columns and the detail page read the same functions.
"""

from datetime import date, datetime

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import enums
from events.recurrence import format_time
from network.text import french_date

from .models import FeedStatus
from .sync import MANUAL_FEED_NAME


def url_help():
    """Where each calendar site hides its iCal address, step by step (built per request, in its language)."""
    return format_html(
        "{}<ul class='feed-help'><li>{}</li><li>{}</li><li>{}</li></ul>",
        _(
            "Copiez ici l'adresse de partage de votre agenda ; elle finit souvent par « .ics ». "
            "Où la trouver :"
        ),
        _(
            "Google Agenda : sur un ordinateur, Paramètres → cliquez sur votre agenda à gauche → "
            "« Intégrer l'agenda » → « Adresse publique au format iCal » (ou « Adresse secrète au format "
            "iCal » si l'agenda n'est pas public)."
        ),
        _(
            "Outlook : Paramètres → Calendrier → « Calendriers partagés » → « Publier un calendrier » : "
            "choisissez l'agenda et « Peut afficher tous les détails », cliquez sur « Publier », "
            "puis copiez le lien « ICS »."
        ),
        _(
            "Nextcloud : dans Agenda, cliquez sur « … » à côté de l'agenda → « Partager » → activez le lien "
            "de partage, puis « … » → « Copier le lien d'abonnement »."
        ),
    )


ERROR_ADVICE = gettext_lazy(
    "Que faire : copiez à nouveau l'adresse depuis votre agenda et collez-la avec « Modifier l'adresse ». "
    "Vérifiez qu'elle s'ouvre dans un navigateur sans vous demander de mot de passe. "
    "Si votre agenda n'est pas public, prenez l'adresse « secrète » ou « privée ». "
    "Si le site de votre agenda est en panne, Maillage réessaiera tout seul plus tard."
)

# Warning codes come from `calendars.sync`; they are matched by keyword, so that a new code still gets
# the closest advice, and an unknown one the general advice.
WARNING_FIXES = [
    (
        ("uid",),
        gettext_lazy(
            "Votre agenda ne donne pas d'identifiant stable à cet événement. "
            "S'il change de date ou de titre, il risque d'apparaître en double : "
            "évitez de le recréer, modifiez-le plutôt."
        ),
    ),
    (
        ("rrule", "recur", "repeat", "repet"),
        gettext_lazy(
            "Maillage ne comprend pas la façon dont cet événement se répète. "
            "Dans votre agenda, choisissez une répétition simple (chaque semaine, chaque mois…) "
            "ou créez les séances une par une."
        ),
    ),
    (
        ("tz", "timezone", "fuseau", "floating"),
        gettext_lazy(
            "L'heure de cet événement n'indique pas de fuseau horaire : Maillage l'a comprise comme l'heure "
            "de Paris. Vérifiez l'heure affichée ; sinon, réglez le fuseau « Paris » dans votre agenda."
        ),
    ),
    (
        ("title", "summary", "titre"),
        gettext_lazy("Donnez un titre à cet événement dans votre agenda : c'est ce que le public lira."),
    ),
    (
        ("end", "duration", "duree"),
        gettext_lazy("Indiquez une heure de fin à cet événement dans votre agenda."),
    ),
    (
        ("limit", "many", "truncat", "too_large", "size"),
        gettext_lazy(
            "Votre agenda contient beaucoup d'événements : seuls les plus proches sont importés. "
            "Si possible, partagez un agenda réservé aux ateliers."
        ),
    ),
    (
        ("past", "old", "empty", "no_event", "noevent"),
        gettext_lazy(
            "Ajoutez vos prochains ateliers dans votre agenda : Maillage n'importe que ce qui est à venir."
        ),
    ),
    (
        ("private", "confidential", "busy"),
        gettext_lazy(
            "Cet événement est privé, ou l'agenda ne partage que « occupé / libre ». Dans les réglages de "
            "partage, choisissez d'afficher tous les détails."
        ),
    ),
]

# Codes the sync engine emits today (`calendars.parse`, `calendars.sync`): exact advice first.
EXACT_FIXES = {
    "uid_churn": gettext_lazy(
        "Votre agenda a changé d'un coup les identifiants de ses événements (souvent après un export puis "
        "un nouvel import). Maillage les a retrouvés par leur date et leur titre ; "
        "évitez de recréer l'agenda."
    ),
    "rrule_too_long": gettext_lazy(
        "Cette répétition est trop longue à lire : dans votre agenda, donnez-lui une date de fin ou un "
        "nombre de séances."
    ),
    "unknown_timezone": gettext_lazy(
        "Le fuseau horaire de cet événement est inconnu : Maillage a pris l'heure de Paris. Vérifiez l'heure "
        "affichée ; sinon, choisissez le fuseau « Paris » dans les réglages de votre agenda."
    ),
    "windows_timezone": gettext_lazy(
        "Outlook nomme les fuseaux horaires à sa façon ; Maillage l'a traduit. Vérifiez simplement l'heure "
        "affichée."
    ),
    "skipped_component": gettext_lazy(
        "Cet élément n'a pas pu être lu et a été laissé de côté. Ouvrez-le dans votre agenda et vérifiez sa "
        "date et son heure."
    ),
    "too_many_events": gettext_lazy(
        "Maillage importe un nombre limité d'événements par agenda, les plus proches d'aujourd'hui. Retirez "
        "les événements passés de votre agenda, ou publiez un agenda par activité."
    ),
    "too_many_dates": gettext_lazy(
        "Une série porte trop de dates ajoutées ou retirées une à une. Dans votre agenda, terminez-la et "
        "créez une nouvelle série plutôt que de retirer des séances une par une."
    ),
    "too_many_sessions": gettext_lazy(
        "Une série a plus de séances que Maillage n'en affiche (souvent une répétition à l'heure ou à la "
        "minute). Dans votre agenda, répétez-la chaque jour ou chaque semaine, aux heures voulues."
    ),
    "todo_ignored": gettext_lazy(
        "Les tâches (« à faire ») de votre agenda ne sont pas des ateliers : elles sont ignorées. "
        "Rien à faire."
    ),
}

GENERAL_FIX = gettext_lazy(
    "Corrigez cet événement dans votre agenda ; la prochaine synchronisation en tiendra compte."
)


def fix_for(code: str) -> str:
    code = (code or "").lower()
    if code in EXACT_FIXES:
        return str(EXACT_FIXES[code])
    for keywords, fix in WARNING_FIXES:
        if any(keyword in code for keyword in keywords):
            return str(fix)
    return str(GENERAL_FIX)


def warning_rows(warnings) -> list[dict]:
    return [
        {
            "message": warning.get("message") or _("Un événement pose problème."),
            "uid": warning.get("uid") or "",
            "fix": fix_for(warning.get("code", "")),
        }
        for warning in warnings or []
        if isinstance(warning, dict)
    ]


def moment_label(value) -> str:
    """« mardi 5 janvier 2027 » or « mardi 5 janvier 2027 à 14 h » in Paris time; accepts ISO strings."""
    if isinstance(value, str):
        parse = datetime.fromisoformat if ("T" in value or " " in value) else date.fromisoformat
        try:
            value = parse(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return french_date(local.date(), "l j F Y") + " " + _("à") + " " + format_time(local.time())
    if isinstance(value, date):
        return french_date(value, "l j F Y")
    return ""


def when_label(start, end=None) -> str:
    """One event's date and times, the way the ateliers list sessions."""
    label = moment_label(start)
    if not label:
        return ""
    if isinstance(start, date) and not isinstance(start, datetime):
        return label + ", " + _("toute la journée")
    if end:
        end_label = moment_label(end)
        start_day, end_day = label.split(" " + _("à") + " ")[0], end_label.split(" " + _("à") + " ")[0]
        if start_day == end_day and " " + _("à") + " " in end_label:
            return label + " – " + end_label.split(" " + _("à") + " ")[1]
        return label + " → " + end_label
    return label


def is_cancelled(status) -> bool:
    return str(status or "").lower() in {"cancelled", "canceled", enums.Status.CANCELLED, "annulé"}


def preview_rows(events) -> list[dict]:
    return [
        {
            "title": event.get("title") or _("(sans titre)"),
            "when": when_label(event.get("start"), event.get("end")),
            "place": event.get("location") or "",
            "recurring": bool(event.get("recurring")),
            "cancelled": is_cancelled(event.get("status")),
        }
        for event in events or []
    ]


def state_label(feed) -> str:
    """« Fonctionne », « En erreur depuis le … », « Pas encore synchronisé », « Import manuel du … »."""
    if not feed.active and feed.name == MANUAL_FEED_NAME and feed.last_success_at:
        # Made by `manage.py import_ical`: a one-off import, never synchronised on a schedule.
        day = moment_label(timezone.localtime(feed.last_success_at).date())
        return _("Import manuel du %(date)s (pas de synchronisation)") % {"date": day}
    if feed.status == FeedStatus.FAILING:
        since = feed.failing_since or feed.last_fetch_at
        if since is None:
            return _("En erreur")
        return _("En erreur depuis le %(date)s") % {"date": moment_label(timezone.localtime(since).date())}
    if feed.status == FeedStatus.OK:
        return _("Fonctionne")
    if feed.status == FeedStatus.TO_FIX:
        return _("À corriger : pas encore lu")
    return _("Pas encore synchronisé")


def counts_label(counts) -> str:
    counts = counts or {}
    if not counts:
        return "—"
    return _("%(created)s créés, %(updated)s mis à jour, %(cancelled)s annulés") % {
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "cancelled": counts.get("cancelled", 0),
    }


def last_success_label(feed) -> str:
    return moment_label(feed.last_success_at) if feed.last_success_at else _("Jamais")


def next_run_label(feed) -> str:
    if not feed.active:
        return _("Désactivé")
    return moment_label(feed.next_run_at) if feed.next_run_at else _("Dès que possible")


def is_failing(feed) -> bool:
    """Shown as an alert in the list: in error, or never read successfully (« à corriger »)."""
    return feed.status in (FeedStatus.FAILING, FeedStatus.TO_FIX)
