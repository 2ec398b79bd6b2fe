"""Read a page's GET forms and submit them as a browser without JavaScript would (the no-JS path tests)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    hidden: list[tuple[str, str]] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)  # visible text fields and checkboxes, with their attrs
    buttons: list[dict] = field(default_factory=list)  # submit buttons, with their name/value

    def submission(self, *, button: dict | None = None, fill: dict | None = None, check=()) -> list:
        """The (key, value) pairs a browser sends: hidden fields, filled text fields, checked boxes, the
        clicked button's own name/value."""
        pairs = list(self.hidden)
        for attrs in self.inputs:
            name = attrs.get("name")
            if attrs.get("type") == "checkbox":
                if (name, attrs.get("value")) in check or ("checked" in attrs and not check):
                    pairs.append((name, attrs.get("value", "on")))
            elif name:
                pairs.append((name, (fill or {}).get(name, attrs.get("value") or "")))
        if button and button.get("name"):
            pairs.append((button["name"], button.get("value", "")))
        return pairs


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.attributes: list[tuple[str, dict]] = []  # (tag, attrs) of every element

    def handle_starttag(self, tag, attrs):
        attrs = {key: (value if value is not None else "") for key, value in attrs}
        self.attributes.append((tag, attrs))
        if tag == "form":
            self.current = Form(action=attrs.get("action", ""))
            self.current.attrs = attrs
            self.forms.append(self.current)
        elif self.current is not None and tag == "input":
            if attrs.get("type") == "hidden":
                self.current.hidden.append((attrs.get("name"), attrs.get("value", "")))
            else:
                self.current.inputs.append(attrs)
        elif self.current is not None and tag == "button" and attrs.get("type", "submit") == "submit":
            self.current.buttons.append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def parse(html: str) -> _FormParser:
    parser = _FormParser()
    parser.feed(html)
    return parser


def forms_of(response) -> list[Form]:
    return parse(response.content.decode()).forms


def attribute_values(response, name: str) -> list[tuple[str, str]]:
    """Every (tag, value) of attribute `name` on the page (`href`, `action`, `src`)."""
    return [(tag, attrs[name]) for tag, attrs in parse(response.content.decode()).attributes if name in attrs]
