"""Fault injection: the Celery broker down while people act, then the SMTP relay down, and what follows.

Each action commits, publishes its e-mail's task after the commit (which fails: `broker_down`), and still
answers its normal page; the outbox's sweep then sends every e-mail once, and a task that reaches a worker
late sends nothing more. The broker is a real Redis of the test's own, stopped, when REDIS_URL is set (CI),
else a closed port.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from network import domain as network
from network.enums import MemberRole
from outbox.models import Message, MessageStatus
from outbox.sending import send_due
from outbox.tasks import send_message
from programmes import domain as programmes
from tests.factories import StructureFactory, UserFactory
from tests.outbox.factories import later
from tests.pro.factories import make_member
from tests.programmes.factories import ContributionFactory, CycleFactory, bassin_of, editor_of

pytestmark = pytest.mark.django_db


def join_request(client):
    structure = StructureFactory(slug="mediatheque-bourges")
    make_member(structure, role=MemberRole.RESPONSABLE, email="responsable@exemple.fr")
    client.force_login(UserFactory(email="noe@exemple.fr"))
    url = reverse("network:join_structure", kwargs={"slug": structure.slug})
    return client.post(url, {"role": "benevole", "message": "Le mercredi."}), ["responsable@exemple.fr"]


def invitation(client):
    structure = StructureFactory()
    editor = make_member(structure, role=MemberRole.EDITOR)
    client.force_login(editor)
    url = reverse("network_admin:members", kwargs={"structure_id": structure.pk})
    return client.post(url, {"email": "nouvelle@exemple.fr", "role": MemberRole.EDITOR}), [
        "nouvelle@exemple.fr"
    ]


def refusal(client):
    structure = StructureFactory()
    responsable = make_member(structure, role=MemberRole.RESPONSABLE)
    request = network.request_membership(
        user=UserFactory(email="noe@exemple.fr"), structure=structure, role=MemberRole.BENEVOLE
    )
    Message.objects.all().delete()  # the deciders' e-mail about the request: not this test's action
    client.force_login(responsable)
    url = reverse("pro:refuse_request", kwargs={"pk": request.pk})
    return client.post(url, {"reason": "Équipe complète."}), ["noe@exemple.fr"]


def contribution_comment(client):
    host = StructureFactory()
    reviewer = make_member(StructureFactory(), role=MemberRole.MEDIATEUR, email="claire@exemple.fr")
    cycle = CycleFactory(slug="htd-2027", bassins=[bassin_of(host)], coordinators=[reviewer])
    editor = editor_of(host)
    contribution = ContributionFactory(cycle=cycle, structure=host, created_by=editor)
    programmes.submit_contribution(contribution=contribution, by=editor)
    Message.objects.all().delete()  # the submission's e-mails: not this test's action
    client.force_login(editor)
    url = reverse("programmes:comment", kwargs={"pk": contribution.pk})
    return client.post(url, {"message": "Nous aurons 10 tablettes."}), ["claire@exemple.fr"]


@pytest.mark.parametrize("action", [join_request, invitation, refusal, contribution_comment])
def test_action_with_the_broker_down_answers_normally_and_its_email_leaves_once(
    action, client, broker_down, smtp_sink, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response, recipients = action(client)

    assert response.status_code == 302
    assert len(callbacks) >= 1
    assert "the broker is unreachable" in caplog.text
    assert (smtp_sink.recipients(), Message.objects.due().count()) == ([], len(recipients))

    first, second = send_due(), send_due()
    late = [send_message(message_id=pk) for pk in Message.objects.values_list("pk", flat=True)]

    assert (first["sent"], second["sent"], late) == (len(recipients), 0, [""] * len(recipients))
    assert smtp_sink.recipients() == sorted(recipients)


def test_broker_then_smtp_down_the_email_is_retried_and_sent_once(
    client, broker_down, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response, recipients = join_request(client)
    smtp_sink.stop()

    down = send_due()
    smtp_sink.start()
    too_early = send_due()
    up = send_due(now=later(minutes=2))
    again = send_due(now=later(minutes=60))

    message = Message.objects.get()
    assert response.status_code == 302
    assert (down["retry"], too_early["sent"], up["sent"], again["sent"]) == (1, 0, 1, 0)
    assert (message.status, message.attempts, message.sent_at <= timezone.now()) == (
        MessageStatus.SENT,
        2,
        True,
    )
    assert smtp_sink.recipients() == recipients
