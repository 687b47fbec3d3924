"""The agency page: one agency's standing, actions and history.

`page` lays it out and loads it; `actions` is the controller of its buttons (it holds the page);
`dialogs` and `language` are the dialogs those buttons open; `tabs` and `chart` its history.
"""

from partner_desk.gui.pages.agency.page import AgencyPage

__all__ = ["AgencyPage"]
