"""A `replica` alias for these tests, as `REPORTS_DATABASE_URL` would add it, pointing at the
primary's own test database (a TEST MIRROR: Django creates nothing for it and connects it
to `default`'s test database). Added while collecting, before the test databases are set up;
the reports still read `default` unless a test sets `REPORTS_DATABASE`."""

import copy

from django.conf import settings
from django.db import connections

from core.databases import REPLICA

if REPLICA not in settings.DATABASES:
    replica = copy.deepcopy(connections["default"].settings_dict)
    replica["TEST"] = {**replica["TEST"], "MIRROR": "default"}
    settings.DATABASES[REPLICA] = replica
    # The connection handler may have read DATABASES already.
    connections.settings[REPLICA] = replica
