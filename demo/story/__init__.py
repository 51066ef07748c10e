"""The demo's history: six months of orders made through the services with the clock moved.

`seed_story` (in `run`) is what `manage.py seed_demo` calls; `plans` says what happens to
each order, `sales` and `tickets` take the steps, `clock` moves time, `customers` adds the
clients they belong to.
"""
