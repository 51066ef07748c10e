"""Which database alias a kind of read goes to.

Reports read `replica` when `REPORTS_DATABASE_URL` is set (a streaming replica, seconds
behind), else the primary. The choice is made by name in the report selectors rather than by
a database router: a router only sees the model, and the desk reads the same orders and
events, which must come from the primary so a manager sees the change just made. Report
figures are minutes-fresh at best anyway (cached per period, `portals.manager.report_tables`).
"""

from django.conf import settings

REPLICA = "replica"


def reports_database() -> str:
    return settings.REPORTS_DATABASE
