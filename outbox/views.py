"""Admin screens of the outbox beyond the generic list and detail: « Renvoyer » a failed e-mail."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from .models import Message
from .queue import resend_email


class ResendView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    """GET asks for confirmation, POST puts the failed e-mail back in the outbox and sends it at once."""

    model = Message
    permission_required = "resend"
    template_name = "outbox/admin/resend.html"
    page_title = gettext_lazy("Renvoyer le courriel")
    header_icon = "mail"
    index_url_name = ""
    inspect_url_name = ""

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Message, pk=pk)

    def get_page_subtitle(self):
        return self.object.subject

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Courriels")},
            {"url": reverse(self.inspect_url_name, args=[self.object.pk]), "label": self.object.subject},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            message=self.object,
            inspect_url=reverse(self.inspect_url_name, args=[self.object.pk]),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        if resend_email(message=self.object):
            messages.success(
                request,
                _("Le courriel à %(email)s est remis en file d'envoi.") % {"email": self.object.email},
            )
        else:
            messages.warning(
                request,
                _("Ce courriel n'est pas en échec (%(status)s) : il n'est pas renvoyé.")
                % {"status": self.object.get_status_display()},
            )
        return redirect(reverse(self.inspect_url_name, args=[self.object.pk]))
