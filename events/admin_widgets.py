"""Widgets of the ateliers admin.

`LabelledRichTextArea` gives the rich-text editor an accessible name. Draftail draws its own
`contenteditable` textbox, while the field's `<label for>` points at the hidden input it replaces, so axe
reports a textbox without a name (wagtail/wagtail#14205, open). Draftail takes an `ariaLabelledBy` option,
and Wagtail hands the widget's options to the editor: the widget adds the id of the label that Wagtail's
panels render (`<field id>-label`). Drop this once Wagtail names the editor itself.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.admin.rich_text import DraftailRichTextArea

OPTIONS_ATTR = "data-w-init-detail-value"


class LabelledRichTextArea(DraftailRichTextArea):
    """Draftail whose textbox is named by the field's label (`aria-labelledby`)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("id") and OPTIONS_ATTR in widget_attrs:
            options = json.loads(widget_attrs[OPTIONS_ATTR])
            options["ariaLabelledBy"] = f"{widget_attrs['id']}-label"
            widget_attrs[OPTIONS_ATTR] = json.dumps(options, cls=DjangoJSONEncoder)
        return context
