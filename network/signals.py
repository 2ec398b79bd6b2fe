"""Receivers of Wagtail's signals, where Wagtail offers no other hook.

- Wagtail moves a page by rewriting tree paths and saving it as a plain `Page`, so `StructurePage.save()`
  does not run: `keep_structure_bassin` sets the one derived field and nothing else.
- A volunteer's proposal (`StructureApprovalTask`) is submitted inside Wagtail's workflow code: the e-mail to
  those who approve is queued from its `task_submitted` signal, and taken back once the task is decided.
"""

from wagtail.signals import (
    post_page_move,
    task_approved,
    task_cancelled,
    task_rejected,
    task_submitted,
)

from .emails import cancel_proposal_emails, queue_proposal_emails
from .models import StructureApprovalTask, StructurePage


def keep_structure_bassin(sender, instance, parent_page_after, **kwargs):
    StructurePage.objects.filter(pk=instance.pk).update(bassin=parent_page_after.pk)


def _is_structure_review(task_state) -> bool:
    return isinstance(task_state.task.specific, StructureApprovalTask)


def tell_reviewers(sender, instance, user=None, **kwargs):
    if _is_structure_review(instance):
        queue_proposal_emails(task_state=instance, user=user)


def forget_decided_proposal(sender, instance, **kwargs):
    if _is_structure_review(instance):
        cancel_proposal_emails(task_state=instance)


def connect():
    post_page_move.connect(keep_structure_bassin, sender=StructurePage, dispatch_uid="keep_structure_bassin")
    task_submitted.connect(tell_reviewers, dispatch_uid="structure_proposal_submitted")
    for signal in (task_approved, task_rejected, task_cancelled):
        signal.connect(forget_decided_proposal, dispatch_uid=f"structure_proposal_decided_{id(signal)}")
