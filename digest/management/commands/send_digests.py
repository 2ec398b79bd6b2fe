"""`manage.py send_digests`: plan and send this week's letters now, or try them out with --dry-run."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digest.content import build_digests
from digest.delivery import (
    Outcome,
    chunks,
    ensure_member_subscriptions,
    members_without_subscription,
    plan_week,
    send_deliveries,
    stuck_deliveries,
)
from digest.models import Delivery, Frequency, Subscription
from digest.render import render_parts, subject
from digest.weeks import current_week, parse_week


class Command(BaseCommand):
    help = (
        "Construit et envoie la lettre hebdomadaire de la semaine (comme Celery beat le lundi à 7 h 30), "
        "dans ce processus. --dry-run construit et affiche sans rien envoyer ni enregistrer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="construit et affiche, sans envoyer")
        parser.add_argument("--week", help="semaine AAAA-Wss (par défaut : la semaine en cours)")
        parser.add_argument("--email", help="seulement la personne qui a cette adresse")

    def handle(self, *args, dry_run=False, week=None, email=None, **options):
        try:
            week = parse_week(week) if week else current_week()
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        user = None
        if email:
            user = get_user_model().objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(_("Aucun compte avec l'adresse %(email)s.") % {"email": email})
        if dry_run:
            self.dry_run(week=week, user=user)
        else:
            self.send(week=week, user=user)

    def _subscriptions(self, user) -> list[Subscription]:
        """Who would get a letter, creating nothing: members without a subscription yet get the default
        one, in memory."""
        receiving = Subscription.objects.receiving().select_related("user").order_by("pk")
        users = get_user_model().objects.all()
        if user is not None:
            receiving, users = receiving.filter(user=user), users.filter(pk=user.pk)
        missing = members_without_subscription(users).order_by("pk")
        return list(receiving) + [Subscription(user=member, frequency=Frequency.WEEKLY) for member in missing]

    def dry_run(self, *, week, user):
        subscriptions = self._subscriptions(user)
        outcome = Outcome()
        for offset in range(0, len(subscriptions), 100):
            for subscription, digest in build_digests(
                subscriptions=subscriptions[offset : offset + 100], week=week
            ):
                outcome.built += 1
                if digest.is_empty:
                    outcome.empty += 1
                    self.stdout.write(_("%(email)s : rien à envoyer") % {"email": subscription.user.email})
                    continue
                outcome.sent += 1
                self.stdout.write(
                    _("%(email)s : %(contents)s — « %(subject)s »")
                    % {
                        "email": subscription.user.email,
                        "contents": describe_contents(digest),
                        "subject": subject(digest),
                    }
                )
                if user is not None:
                    self.stdout.write(render_parts(digest)[0])
        counts = [
            ngettext("%(count)d lettre construite", "%(count)d lettres construites", outcome.built)
            % {"count": outcome.built},
            ngettext("%(count)d serait envoyée", "%(count)d seraient envoyées", outcome.sent)
            % {"count": outcome.sent},
            _("%(count)d sans contenu (rien à envoyer)") % {"count": outcome.empty},
        ]
        self.stdout.write(
            _("Essai pour la semaine %(week)s : %(counts)s. Rien n'a été envoyé ni enregistré.")
            % {"week": week, "counts": ", ".join(counts)}
        )

    def send(self, *, week, user):
        if user is None:
            plan = plan_week(week=week)
            delivery_ids, stuck = plan.delivery_ids, plan.stuck
        else:
            ensure_member_subscriptions()
            subscription = Subscription.objects.receiving().filter(user=user).first()
            if subscription is None:
                raise CommandError(
                    _("%(email)s ne reçoit pas la lettre (désabonné·e, suspendu·e ou inactif).")
                    % {"email": user.email}
                )
            Delivery.objects.bulk_create(
                [Delivery(subscription=subscription, week=week)], ignore_conflicts=True
            )
            delivery_ids = list(
                Delivery.objects.of_week(week)
                .claimable()
                .filter(subscription=subscription)
                .values_list("pk", flat=True)
            )
            stuck = stuck_deliveries()
        outcome = Outcome()
        for chunk in chunks(delivery_ids):
            outcome.merge(send_deliveries(week=week, delivery_ids=chunk))
        counts = [
            ngettext("%(count)d construite", "%(count)d construites", outcome.built)
            % {"count": outcome.built},
            ngettext("%(count)d envoyée", "%(count)d envoyées", outcome.sent) % {"count": outcome.sent},
            _("%(count)d sans contenu (rien à envoyer)") % {"count": outcome.empty},
            ngettext(
                "%(count)d ignorée (déjà envoyée ou prise par un autre processus)",
                "%(count)d ignorées (déjà envoyées ou prises par un autre processus)",
                outcome.skipped,
            )
            % {"count": outcome.skipped},
            _("%(count)d en échec") % {"count": outcome.failed},
        ]
        self.stdout.write(_("Semaine %(week)s : %(counts)s.") % {"week": week, "counts": ", ".join(counts)})
        if outcome.failed:
            self.stdout.write(
                _(
                    "Les lettres en échec seront reprises par le prochain envoi de la semaine "
                    "(relancez cette commande une fois le serveur SMTP revenu)."
                )
            )
        if stuck:
            self.stdout.write(
                ngettext(
                    "%(count)d lettre bloquée « en cours d'envoi » depuis plus d'une heure : non renvoyée "
                    "(elle a peut-être été reçue), à vérifier.",
                    "%(count)d lettres bloquées « en cours d'envoi » depuis plus d'une heure : non renvoyées "
                    "(elles ont peut-être été reçues), à vérifier.",
                    len(stuck),
                )
                % {"count": len(stuck)}
            )


def describe_contents(digest) -> str:
    """What one letter holds, in words, for the dry run: the operator checks it before the real send."""
    parts = [
        ngettext("%(count)d séance", "%(count)d séances", digest.sessions_count),
        ngettext("%(count)d nouvel atelier", "%(count)d nouveaux ateliers", len(digest.new_ateliers)),
        ngettext("%(count)d changement", "%(count)d changements", len(digest.changes)),
        ngettext("%(count)d nouveau lieu", "%(count)d nouveaux lieux", len(digest.new_structures)),
        ngettext("%(count)d nouveau membre", "%(count)d nouveaux membres", len(digest.new_members)),
        ngettext("%(count)d événement du réseau", "%(count)d événements du réseau", digest.pro_count),
    ]
    values = [
        digest.sessions_count,
        len(digest.new_ateliers),
        len(digest.changes),
        len(digest.new_structures),
        len(digest.new_members),
        digest.pro_count,
    ]
    return ", ".join(text % {"count": value} for text, value in zip(parts, values, strict=True))
