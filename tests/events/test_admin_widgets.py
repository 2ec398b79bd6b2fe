"""`LabelledRichTextArea`: Draftail's textbox is named by the field's label (wagtail/wagtail#14205)."""

import json

from bs4 import BeautifulSoup

from events.admin_widgets import LabelledRichTextArea


def test_the_editor_options_name_the_label_of_the_field_and_keep_the_features(db):
    widget = LabelledRichTextArea(features=["bold", "link"])

    html = widget.render("description", "<p>Bonjour</p>", attrs={"id": "id_description"})
    options = json.loads(BeautifulSoup(html, "html.parser").input["data-w-init-detail-value"])

    assert options["ariaLabelledBy"] == "id_description-label"
    assert [style["type"] for style in options["inlineStyles"]] == ["BOLD"]
    assert [entity["type"] for entity in options["entityTypes"]] == ["LINK"]


def test_without_an_id_nothing_is_named(db):
    html = LabelledRichTextArea(features=["bold"]).render("description", "")

    options = json.loads(BeautifulSoup(html, "html.parser").input["data-w-init-detail-value"])

    assert "ariaLabelledBy" not in options
