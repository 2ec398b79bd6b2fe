"""What a browser would send to the Wagtail admin: forms as rendered, then changed and posted.

Shared by the admin tests of `network` and `events`, which drive the page editor and the member screens at
the HTTP level.
"""

import html

from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse


def form_values(html: str, selector: str = "form#page-edit-form") -> dict[str, list[str]]:
    """What a browser would submit for the form as rendered, before anyone types anything."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.has_attr("disabled") or element.find_parent("template"):
            continue
        if element.name == "textarea":
            data.setdefault(name, []).append(element.get_text().removeprefix("\n"))
        elif element.name == "select":
            options = element.find_all("option")
            chosen = [option for option in options if option.has_attr("selected")]
            if not chosen and options and not element.has_attr("multiple"):
                chosen = options[:1]
            data.setdefault(name, []).extend(option.get("value", option.get_text()) for option in chosen)
        else:
            kind = element.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                continue
            if kind in {"checkbox", "radio"} and not element.has_attr("checked"):
                continue
            data.setdefault(name, []).append(element.get("value", "on" if kind == "checkbox" else ""))
    return data


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def add_structure_url(bassin) -> str:
    return reverse("wagtailadmin_pages:add", args=["network", "structurepage", bassin.pk])


def publish_edit(client, page, **changes):
    """GET the edit form, change some fields, POST it with "Publier"."""
    data = form_values(client.get(edit_url(page)).content.decode())
    data.update({name: [value] for name, value in changes.items()})
    data["action-publish"] = ["action-publish"]
    return client.post(edit_url(page), data)


def create_through_admin(client, bassin, publish=True, **fields):
    data = form_values(client.get(add_structure_url(bassin)).content.decode())
    data.update({name: [value] for name, value in fields.items()})
    if publish:
        data["action-publish"] = ["action-publish"]
    return client.post(add_structure_url(bassin), data)


def message_texts(response) -> list[str]:
    """Messages as a person reads them (Wagtail's admin messages are HTML, with room for buttons)."""
    return [html.unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


def members_url(structure) -> str:
    return reverse("network_admin:members", kwargs={"structure_id": structure.pk})
