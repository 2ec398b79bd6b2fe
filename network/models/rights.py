"""Keeps a page's rights links (its group and image collection) out of revision history."""


class RightsLinkedPage:
    """Mixin for pages linked to a Wagtail group and collection by `network.permissions`.

    Those links belong to the page as a whole, not to one revision: publishing or reverting to a revision
    saved before the rights were granted must never clear them, and a copy must not share them.
    """

    rights_link_fields: tuple[str, ...] = ("collection",)
    # Plain fields that describe the page's life rather than its content (e.g. when it was last confirmed).
    page_state_fields: tuple[str, ...] = ()

    def with_content_json(self, content):
        page = super().with_content_json(content)
        for name in self.rights_link_fields:
            setattr(page, f"{name}_id", getattr(self, f"{name}_id"))
        for name in self.page_state_fields:
            setattr(page, name, getattr(self, name))
        return page
