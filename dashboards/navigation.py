"""The pages, in sections, and which of them a role sees.

Every page is listed here once with the roles that may open it; the entrypoint asks for
the pages of the signed-in user's role: a page a role may not open is not registered in
its navigation at all, so no link or URL runs it. Before login every page is
registered, hidden and not run, so that the address a link opens survives the sign-in.
"""

from dataclasses import dataclass

import streamlit as st

from dashboards.i18n import t
from dashboards.url_state import CLIENT_PAGE

from dashboards.app_state import ROLES


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    url_path: str
    roles: tuple[str, ...] = ROLES
    default: bool = False

    def page(self) -> st.Page:
        return st.Page(
            self.path, title=self.title, icon=self.icon, url_path=self.url_path,
            default=self.default,
        )


def sections() -> dict[str, list[PageSpec]]:
    """Every page, by section, in menu order (titles in the session's language)."""
    return {
        t("nav.portfolio"): [
            PageSpec("app_pages/overview.py", t("overview.title"), ":material/dashboard:",
                     "overview", default=True),
            PageSpec("app_pages/aging.py", t("aging.title"), ":material/hourglass_bottom:",
                     "aging"),
            PageSpec("app_pages/payment_behavior.py", t("behavior.title"),
                     ":material/speed:", "behavior"),
            PageSpec("app_pages/concentration.py", t("concentration.title"),
                     ":material/pie_chart:", "concentration"),
        ],
        t("nav.clients"): [
            PageSpec("app_pages/client_file.py", t("client_file.title"),
                     ":material/person_search:", CLIENT_PAGE),
            PageSpec("app_pages/worklist.py", t("worklist.title"), ":material/call:",
                     "worklist"),
            PageSpec("app_pages/committee.py", t("committee.title"), ":material/gavel:",
                     "committee", roles=("committee", "admin")),
        ],
        t("nav.bank"): [
            PageSpec("app_pages/bank.py", t("bank.title"), ":material/account_balance:",
                     "bank"),
        ],
        t("nav.data"): [
            PageSpec("app_pages/data_quality.py", t("data_quality.title"),
                     ":material/fact_check:", "data-quality"),
        ],
    }


def specs_for(role: str) -> dict[str, list[PageSpec]]:
    """The pages `role` may open, by section; a section it has none of is left out."""
    navigation = {
        section: [spec for spec in specs if role in spec.roles]
        for section, specs in sections().items()
    }
    return {section: specs for section, specs in navigation.items() if specs}


def pages_for(role: str) -> dict[str, list[st.Page]]:
    """The navigation of `role` for st.navigation."""
    return {
        section: [spec.page() for spec in specs] for section, specs in specs_for(role).items()
    }


def every_page() -> list[st.Page]:
    """Every page, whatever the role: the hidden navigation drawn before login."""
    return [spec.page() for specs in sections().values() for spec in specs]
