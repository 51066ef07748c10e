"""The one rule of the architecture (DESIGN.md), checked on the syntax tree of every module of
every first-party package: an order's state changes, its events are written and side effects
leave only where the design says.

Names, not variables: a transition method is caught on any receiver, a state write in any
queryset call, a side effect under any import alias. A receiver is let through only when it
provably is not an order (`NOT_ORDERS`). What the tree cannot see (a field name computed at run
time) the model refuses on its own: the state field is `protected=True`, and the tests beside
this module hold it to that.

`check_source(source, path)` checks one module given as text under a pretend path, which is how
the tests plant violations; `check_codebase()` checks the working tree.
"""

from __future__ import annotations

import ast
import functools
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from django.apps import apps
from django.db.models import QuerySet
from django_fsm import FSMFieldMixin

REPO = Path(__file__).resolve().parents[2]

# Top-level folders that hold packages but no application code.
NOT_SCANNED = frozenset({"tests", "bench", "var", "tmp", ".venv", "node_modules"})
# Data migrations run against historical models, outside the services by nature.
NOT_SCANNED_BELOW = frozenset({"migrations", "__pycache__"})

# Module patterns below are dotted names; `*` stands for one package, and a pattern covers the
# modules below it too, so `orders.services` is the module and the package of that name alike.

# DESIGN "Layers": the apps whose services may write outbox rows (the edges may not).
DOMAIN_APPS = (
    "orders",
    "billing",
    "carts",
    "tasks",
    "conversations",
    "notifications",
    "catalog",
    "customers",
    "accounts",
)

# A side effect is written by the service whose change causes it, in its transaction.
DOMAIN_SERVICES = tuple(f"{app}.services" for app in DOMAIN_APPS)

LIFECYCLE_WRITERS = (
    # The transition methods live here: the only code that changes the state field.
    "orders.lifecycle",
    # Lock, check, transition, save, event, outbox in one transaction (DESIGN "the one rule").
    "orders.services",
)

ALLOWED = {
    "transition-call": LIFECYCLE_WRITERS,
    # The services look a transition up by the name the caller asked for, once they have
    # checked that it is a transition the user may take.
    "dynamic-call": LIFECYCLE_WRITERS,
    "state-write": (
        *LIFECYCLE_WRITERS,
        # Builds unsaved stand-in orders in each state to walk a workflow's graph; never saved.
        "orders.workflow_check",
    ),
    # The event is written by the service that made the change, in its transaction.
    "event-create": ("orders.services",),
    "outbox-write": (
        *DOMAIN_SERVICES,
        # The outbox itself: `outbox_write` makes the row, dedupes it and nudges a worker.
        "notifications.outbox",
        # The sign-up service (named for its use case): the user and its confirmation email
        # commit together.
        "accounts.services.registration",
    ),
    "mail": (
        # The email channel: delivers an outbox row's deliveries in a worker, after commit.
        "notifications.channels",
    ),
    "http": (
        # The webhook channel: delivers outbox rows to subscribers in a worker, after commit.
        "notifications.channels",
        # The payment gateway's client: creating a payment is a request the payer waits for.
        "billing.gateway.client",
        # The stand-in gateway server (tests, demo) posts notifications back, like the real one.
        "billing.gateway.fake",
    ),
    "task-enqueue": (
        # The after-commit nudge: the only enqueue a request makes, and harmless to lose.
        "notifications.outbox",
        # Celery task modules (what `autodiscover_tasks` loads): a worker fans out by ids,
        # outside any request's transaction. Not `portals.manager.tasks`: that is views.
        "*.tasks",
        # The integrations' task modules, one level deeper; the 1C catalog import's nudge
        # there is harmless to lose (1C's next poll nudges again).
        "integrations.*.tasks",
    ),
}

# Violations in today's code, tolerated while they are fixed: (path, rule), each with why.
KNOWN_VIOLATIONS: tuple[tuple[str, str], ...] = ()

# Values that cannot be an order, whose methods share a transition's name (`resolve`, `close`).
NOT_ORDERS = frozenset(
    {
        "pathlib.Path",
        "pathlib.PurePath",
        "sqlite3.connect",
        "django.db.connection",
        "django.db.connections",
        "open",
    }
)

# Queryset and manager calls that write the keywords they are given.
WRITING_CALLS = frozenset({"update", "create", "get_or_create", "update_or_create"})
WRITING_DEFAULTS = frozenset({"defaults", "create_defaults"})
CREATING_CALLS = frozenset({"create", "bulk_create", "get_or_create", "update_or_create"})

EVENT_MODELS = ("orders.OrderEvent",)
OUTBOX_MODELS = ("notifications.OutboxMessage",)
OUTBOX_FUNCTIONS = frozenset({"outbox_write"})

# By name wherever they come from: nothing else in the codebase is called so.
MAIL_NAMES = frozenset(
    {
        "send_mail",
        "send_mass_mail",
        "mail_admins",
        "mail_managers",
        "EmailMessage",
        "EmailMultiAlternatives",
        "send_messages",
        # Django's `AbstractUser.email_user` is `send_mail` in disguise.
        "email_user",
    }
)
# By full name: `get_connection` is also the database's (`transaction.get_connection`).
MAIL_QUALIFIED = frozenset({"django.core.mail.get_connection", "smtplib.SMTP", "smtplib.SMTP_SSL"})
HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream")
HTTP_QUALIFIED = frozenset(
    {
        *(f"requests.{verb}" for verb in HTTP_VERBS),
        *(f"requests.api.{verb}" for verb in HTTP_VERBS),
        "requests.Session",
        "requests.session",
        *(f"httpx.{verb}" for verb in HTTP_VERBS),
        "httpx.Client",
        "httpx.AsyncClient",
        "urllib.request.urlopen",
        "urllib.request.build_opener",
        "http.client.HTTPConnection",
        "http.client.HTTPSConnection",
        "urllib3.request",
        "urllib3.PoolManager",
        "aiohttp.ClientSession",
    }
)
HTTP_NAMES = frozenset({"urlopen"})
ENQUEUE_METHODS = frozenset({"delay", "apply_async", "send_task"})
# A chain of these from a model class stays on that model's rows (`TaskRule.objects.filter()`);
# anything else may have crossed a relation to orders (`Customer.objects.get().orders`).
MANAGER_CHAIN = frozenset(
    {"objects", "_default_manager", "_base_manager"}
    | {name for name in dir(QuerySet) if not name.startswith("_")}
)
GETATTR = frozenset({"getattr", "builtins.getattr"})
SETATTR = frozenset({"setattr", "builtins.setattr"})


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    rule: str
    detail: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.rule}: {self.detail}"


@dataclass(frozen=True)
class Lifecycle:
    """What the guard knows from the models, so a new transition or model needs no edit here."""

    transitions: frozenset[str]
    fields: frozenset[str]
    models: frozenset[str]
    other_models: frozenset[str]
    event_models: frozenset[str]
    event_accessors: frozenset[str]
    outbox_models: frozenset[str]


@functools.cache
def lifecycle() -> Lifecycle:
    transitions, fields, owners, others = set(), set(), set(), set()
    for model in apps.get_models():
        machines = [f for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin)]
        (owners if machines else others).add(model.__name__)
        for field in machines:
            fields.add(field.name)
            transitions |= {t.name for t in field.get_all_transitions(model)}
    events = [apps.get_model(label) for label in EVENT_MODELS]
    return Lifecycle(
        transitions=frozenset(transitions),
        fields=frozenset(fields),
        models=frozenset(owners),
        other_models=frozenset(others - owners),
        event_models=frozenset(model.__name__ for model in events),
        event_accessors=frozenset(
            field.remote_field.get_accessor_name()
            for model in events
            for field in model._meta.concrete_fields
            if field.many_to_one and not field.remote_field.hidden
        ),
        outbox_models=frozenset(apps.get_model(label).__name__ for label in OUTBOX_MODELS),
    )


def module_name(path: str) -> str:
    parts = list(Path(path).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_matches(module: str, patterns) -> bool:
    parts = module.split(".")
    for pattern in patterns:
        wanted = pattern.split(".")
        if len(parts) >= len(wanted) and all(map(fnmatchcase, parts, wanted)):
            return True
    return False


def first_party_packages(root: Path = REPO) -> list[str]:
    """Every top-level package of the repository, not a list to keep up to date."""
    return sorted(
        path.name
        for path in root.iterdir()
        if (path / "__init__.py").is_file() and path.name not in NOT_SCANNED
    )


def declared_packages(root: Path = REPO) -> list[str]:
    """The packages `pyproject.toml` installs or maps, to prove the discovery misses none."""
    tool = tomllib.loads((root / "pyproject.toml").read_text())["tool"]
    include = tool["setuptools"]["packages"]["find"]["include"]
    mapped = tool.get("importlinter", {}).get("root_packages", [])
    return sorted({pattern.rstrip("*").rstrip(".") for pattern in include} | set(mapped))


def first_party_modules(root: Path = REPO) -> list[Path]:
    return sorted(
        path
        for package in first_party_packages(root)
        for path in (root / package).rglob("*.py")
        if not NOT_SCANNED_BELOW.intersection(path.relative_to(root).parts)
    )


def check_codebase(root: Path = REPO) -> list[Violation]:
    return [
        violation
        for path in first_party_modules(root)
        for violation in check_source(path.read_text(), path.relative_to(root).as_posix())
    ]


def check_source(source: str, path: str) -> list[Violation]:
    """The violations of one module, `path` being where it sits in the repository."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        return [Violation(path, error.lineno or 0, "syntax", str(error.msg))]
    checker = _ModuleChecker(path, tree, lifecycle())
    checker.visit(tree)
    return sorted(set(checker.violations))


class _Scope:
    """The names a function (or the module) binds, and to what, to tell what a receiver is."""

    def __init__(self, node: ast.AST, parent: _Scope | None):
        self.parent = parent
        self.bindings: dict[str, list[tuple[str, ast.AST | None]]] = defaultdict(list)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = node.args
            for argument in [
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                *filter(None, [arguments.vararg, arguments.kwarg]),
            ]:
                self._bind(argument.arg, "annotation", argument.annotation)
        body = node.body if isinstance(node.body, list) else [node.body]
        for statement in body:
            self._collect(statement)

    def _bind(self, name: str, kind: str, value: ast.AST | None):
        self.bindings[name].append((kind, value))

    def _bind_target(self, target: ast.AST, value: ast.AST | None):
        if isinstance(target, ast.Name):
            self._bind(target.id, "value" if value is not None else "unknown", value)
        else:
            for node in ast.walk(target):
                if isinstance(node, ast.Name):
                    self._bind(node.id, "unknown", None)

    def _collect(self, node: ast.AST):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self._bind(node.name, "unknown", None)
            return
        if isinstance(node, ast.Lambda | ast.comprehension):
            return
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind_target(target, node.value)
        elif isinstance(node, ast.AnnAssign):
            self._bind_target(node.target, node.value)
            if isinstance(node.target, ast.Name):
                self._bind(node.target.id, "annotation", node.annotation)
        elif isinstance(node, ast.NamedExpr):
            self._bind_target(node.target, node.value)
        elif isinstance(node, ast.AugAssign | ast.For | ast.AsyncFor):
            self._bind_target(node.target, None)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            self._bind_target(node.optional_vars, node.context_expr)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self._bind(node.name, "unknown", None)
        for child in ast.iter_child_nodes(node):
            self._collect(child)

    def lookup(self, name: str) -> tuple[_Scope, list[tuple[str, ast.AST | None]]] | None:
        scope = self
        while scope is not None:
            if name in scope.bindings:
                return scope, scope.bindings[name]
            scope = scope.parent
        return None


class _ModuleChecker(ast.NodeVisitor):
    def __init__(self, path: str, tree: ast.Module, known: Lifecycle):
        self.path = path
        self.module = module_name(path)
        self.known = known
        self.violations: list[Violation] = []
        self.imports = self._imports(tree)
        self.scope = _Scope(tree, None)

    # Names

    def _imports(self, tree: ast.Module) -> dict[str, str]:
        package = self.module.split(".")
        if not self.path.endswith("__init__.py"):
            package = package[:-1]
        names = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        names[head] = head
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package[: len(package) - node.level + 1]
                    base = ".".join([*anchor, *filter(None, [node.module])])
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{base}.{alias.name}"
        return names

    def qualified(self, node: ast.AST) -> str | None:
        """`requests.post` for `post` after `from requests import post`; None if not a name."""
        if isinstance(node, ast.Name):
            return self.imports.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def last_name(self, node: ast.AST) -> str | None:
        name = self.qualified(node)
        return name.rsplit(".", 1)[-1] if name else None

    def root_name(self, node: ast.AST) -> str | None:
        """The class or variable a call chain starts from: `Order` in `Order.objects.filter()`."""
        while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
            node = node.func if isinstance(node, ast.Call) else node.value
        return self.last_name(node) if isinstance(node, ast.Name) else None

    def chain_attributes(self, node: ast.AST) -> set[str]:
        names = set()
        while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
            if isinstance(node, ast.Attribute):
                names.add(node.attr)
            node = node.func if isinstance(node, ast.Call) else node.value
        return names

    def not_an_order(self, node: ast.AST, scope: _Scope, depth: int = 0) -> bool:
        if depth > 8:
            return False
        if isinstance(node, ast.Constant | ast.JoinedStr):
            return True
        if self.qualified(node) in NOT_ORDERS:
            return True
        if isinstance(node, ast.Call):
            return self.qualified(node.func) in NOT_ORDERS or (
                isinstance(node.func, ast.Attribute)
                and self.not_an_order(node.func.value, scope, depth + 1)
            )
        if isinstance(node, ast.Attribute | ast.Subscript):
            return self.not_an_order(node.value, scope, depth + 1)
        if isinstance(node, ast.Name):
            found = scope.lookup(node.id)
            if found is None:
                return False
            where, bindings = found
            return all(
                value is not None
                and (
                    self.not_an_order(value, where, depth + 1)
                    if kind == "value"
                    else kind == "annotation" and self._annotation_not_an_order(value)
                )
                for kind, value in bindings
            )
        return False

    def _annotation_not_an_order(self, node: ast.AST) -> bool:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return all(map(self._annotation_not_an_order, (node.left, node.right)))
        if isinstance(node, ast.Constant) and node.value is None:
            return True
        return self.qualified(node) in NOT_ORDERS

    def literal_values(self, node: ast.AST) -> list[ast.AST]:
        """The node, or what a plain name in this scope was assigned (a fields list, a dict)."""
        if isinstance(node, ast.Name):
            found = self.scope.lookup(node.id)
            if found is not None:
                return [value for kind, value in found[1] if kind == "value" and value]
        return [node]

    # Reporting

    def report(self, node: ast.AST, rule: str, detail: str):
        if not module_matches(self.module, ALLOWED[rule]):
            self.violations.append(Violation(self.path, node.lineno, rule, detail))

    # Scopes

    def _visit_scope(self, node: ast.AST):
        outer = self.scope
        self.scope = _Scope(node, outer)
        self.generic_visit(node)
        self.scope = outer

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _visit_scope  # noqa: N815

    # Rules

    def visit_Attribute(self, node: ast.Attribute):
        if (
            node.attr in self.known.transitions
            and isinstance(node.ctx, ast.Load)
            and not self.not_an_order(node.value, self.scope)
        ):
            self.report(
                node, "transition-call", f"transition `{node.attr}` on `{ast.unparse(node.value)}`"
            )
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign):
        for target in node.targets:
            self._check_state_target(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign | ast.AnnAssign):
        self._check_state_target(node.target)
        self.generic_visit(node)

    visit_AnnAssign = visit_AugAssign  # noqa: N815

    def _check_state_target(self, target: ast.AST):
        for node in ast.walk(target):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and node.attr in self.known.fields
            ) or (
                isinstance(node, ast.Subscript)
                and self._constant(node.slice) in self.known.fields
                and self._is_instance_dict(node.value)
            ):
                self.report(node, "state-write", f"assigns `{ast.unparse(node)}`")

    def _is_instance_dict(self, node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "__dict__") or (
            isinstance(node, ast.Call) and self.qualified(node.func) == "vars"
        )

    @staticmethod
    def _constant(node: ast.AST | None):
        return node.value if isinstance(node, ast.Constant) else None

    def visit_Call(self, node: ast.Call):
        self._check_dynamic_call(node)
        self._check_state_call(node)
        self._check_event_create(node)
        self._check_outbox(node)
        self._check_side_effects(node)
        self.generic_visit(node)

    def _dynamic_lookup(self, node: ast.AST) -> bool:
        """`getattr(x, name)`, `x.__getattribute__(name)`, `vars(x)[name]`: a method by name."""
        if isinstance(node, ast.Call):
            if self.qualified(node.func) in GETATTR and len(node.args) >= 2:
                return self._constant(node.args[1]) is None
            if isinstance(node.func, ast.Attribute) and node.func.attr == "__getattribute__":
                return bool(node.args) and self._constant(node.args[0]) is None
        if isinstance(node, ast.Subscript) and self._is_instance_dict(node.value):
            return self._constant(node.slice) is None
        return False

    def _bound_to_dynamic_lookup(self, node: ast.AST) -> bool:
        """`method = getattr(order, name)` and, in the same function, `method()`."""
        found = self.scope.lookup(node.id) if isinstance(node, ast.Name) else None
        return found is not None and any(
            kind == "value" and self._dynamic_lookup(value) for kind, value in found[1]
        )

    def _check_dynamic_call(self, node: ast.Call):
        target = self.qualified(node.func)
        if self._dynamic_lookup(node.func) or self._bound_to_dynamic_lookup(node.func):
            self.report(
                node, "dynamic-call", f"calls a method by a computed name: `{_short(node)}`"
            )
        if target == "operator.methodcaller" and node.args:
            named = self._constant(node.args[0])
            if named is None:
                self.report(
                    node, "dynamic-call", f"calls a method by a computed name: `{_short(node)}`"
                )
            elif named in self.known.transitions:
                self.report(node, "transition-call", f"transition `{named}` by name")
        # A transition or the state field named in a string is still that.
        if target in GETATTR and len(node.args) >= 2:
            named = self._constant(node.args[1])
            if named in self.known.transitions:
                self.report(node, "transition-call", f"transition `{named}` by name")
        if target in SETATTR and len(node.args) >= 2:
            named = self._constant(node.args[1])
            if named in self.known.fields:
                self.report(node, "state-write", f"`{_short(node)}`")

    def _check_state_call(self, node: ast.Call):
        func = node.func
        name = self.last_name(func)
        if name in self.known.models:
            # `Order(state=...)`, then saved or bulk-created.
            for keyword in node.keywords:
                if keyword.arg in self.known.fields:
                    self.report(keyword, "state-write", f"`{name}({keyword.arg}=...)`")
        if not isinstance(func, ast.Attribute):
            return
        if (
            self.root_name(func.value) in self.known.other_models
            and self.chain_attributes(func.value) <= MANAGER_CHAIN
        ):
            return  # another model's field of the same name (a task rule's `state`)
        if func.attr in WRITING_CALLS:
            on_queryset = bool(self.chain_attributes(func.value) & MANAGER_CHAIN)
            for keyword in node.keywords:
                written = set()
                if keyword.arg is None or keyword.arg in WRITING_DEFAULTS:
                    written = self._dict_keys(keyword.value)
                    if None in written and on_queryset:
                        # `update(**serializer.validated_data)` is how `PATCH {"state": ...}`
                        # gets in; only the services may write what they cannot name.
                        self.report(keyword, "state-write", f"`{func.attr}` with unread keywords")
                elif keyword.arg in self.known.fields:
                    written = {keyword.arg}
                for field in sorted(written & self.known.fields):
                    self.report(keyword, "state-write", f"`{func.attr}` writes `{field}`")
        elif func.attr == "bulk_update":
            fields = node.args[1] if len(node.args) > 1 else None
            fields = next((k.value for k in node.keywords if k.arg == "fields"), fields)
            named = {
                self._constant(element)
                for value in ([] if fields is None else self.literal_values(fields))
                if isinstance(value, ast.List | ast.Tuple | ast.Set)
                for element in value.elts
            }
            for field in sorted(named & self.known.fields):
                self.report(node, "state-write", f"`bulk_update` writes `{field}`")

    def _dict_keys(self, node: ast.AST) -> set:
        """The keys a dict argument names; None among them for one the guard cannot read."""
        keys = set()
        for value in self.literal_values(node):
            if isinstance(value, ast.Dict):
                keys |= {self._constant(key) for key in value.keys}
            elif isinstance(value, ast.Call) and self.qualified(value.func) == "dict":
                keys |= {keyword.arg for keyword in value.keywords}
                keys |= {None for _ in value.args}
            else:
                keys.add(None)
        return keys

    def _check_event_create(self, node: ast.Call):
        func = node.func
        if self.last_name(func) in self.known.event_models:
            self.report(node, "event-create", f"`{_short(node)}`")
        elif isinstance(func, ast.Attribute) and func.attr in CREATING_CALLS:
            chain = self.chain_attributes(func.value)
            root = self.root_name(func.value)
            if root in self.known.event_models or chain & self.known.event_accessors:
                self.report(node, "event-create", f"`{_short(node)}`")

    def _check_outbox(self, node: ast.Call):
        func = node.func
        if self.last_name(func) in OUTBOX_FUNCTIONS | self.known.outbox_models or (
            isinstance(func, ast.Attribute)
            and func.attr in CREATING_CALLS
            and self.root_name(func.value) in self.known.outbox_models
        ):
            self.report(node, "outbox-write", f"`{_short(node)}`")

    def _check_side_effects(self, node: ast.Call):
        func = node.func
        name = self.qualified(func)
        last = self.last_name(func) or (func.attr if isinstance(func, ast.Attribute) else None)
        if last in MAIL_NAMES or name in MAIL_QUALIFIED:
            self.report(node, "mail", f"`{_short(node)}`")
        if last in HTTP_NAMES or name in HTTP_QUALIFIED:
            self.report(node, "http", f"`{_short(node)}`")
        if last in ENQUEUE_METHODS and (isinstance(func, ast.Attribute) or last == "send_task"):
            self.report(node, "task-enqueue", f"`{_short(node)}`")


def _short(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 80 else f"{text[:77]}..."
