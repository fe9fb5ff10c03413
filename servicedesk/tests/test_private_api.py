"""No private framework API in our code, and no markup built in Python strings.

Private names (a leading underscore, `django.utils._*`, the SQL compiler, the
queryset's iterable classes) change without notice between releases and bypass
what the documented API guarantees, such as database routing. Markup belongs in
templates, where autoescaping and the cached loader apply.

The scan reads code, not prose: comments and string literals are blanked out
before the patterns are matched, and the import and attribute checks walk the
syntax tree. Documented underscore names stay allowed: a model's `_meta`.
"""

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "tickets", "attachments", "notifications", "servicedesk")
FIRST_PARTY = (*APPS, "bench")
THIS_FILE = Path(__file__).resolve()

# Packages whose underscore names are theirs to change.
FRAMEWORKS = {
    "django",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "corsheaders",
    "csp",
    "environ",
    "storages",
    "whitenoise",
    "psycopg",
    "redis",
    "boto3",
    "botocore",
}
# Underscore names that Django documents for use.
DOCUMENTED_UNDERSCORE = {"_meta"}

# Matched against code with comments and strings blanked out.
PRIVATE_PATTERNS = {
    "the cache backend's client (cache._cache)": re.compile(r"\._cache\."),
    "a queryset's iterable class": re.compile(r"\b_iterable_class\b"),
    "the SQL compiler": re.compile(r"\.get_compiler\s*\("),
    "the compiler's klass_info": re.compile(r"\bklass_info\b"),
    "the compiler's results_iter": re.compile(r"\bresults_iter\b"),
    "the session store's _get_session_from_db": re.compile(r"\b_get_session_from_db\b"),
    "the connection's execute_wrappers list": re.compile(r"\bexecute_wrappers\b"),
    "timesince's TIME_STRINGS": re.compile(r"\bTIME_STRINGS\b"),
    "prepare_threshold set on a live connection": re.compile(
        r"\.prepare_threshold\s*=(?!=)"
    ),
}
ITERABLE_CLASSES = {
    "BaseIterable",
    "ModelIterable",
    "RawModelIterable",
    "ValuesIterable",
    "ValuesListIterable",
    "FlatValuesListIterable",
    "NamedValuesListIterable",
}
MARKUP = re.compile(r"<(td|li|div|span|option|input|section|form)\b", re.IGNORECASE)
# (path, function) pairs allowed to hold markup in a string literal. None so far:
# a block of markup goes in a template, a reusable one in an inclusion tag.
# Tags that return one tiny element (a badge), which the issue allows.
MARKUP_ALLOWED: set[tuple[str, str]] = {
    ("notifications/templatetags/notifications_ui.py", "unread_badge"),
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.what}"


def first_party_files():
    for top in FIRST_PARTY:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts or path.resolve() == THIS_FILE:
                continue
            yield path
    yield from sorted(p for p in ROOT.glob("*.py"))


def is_test_file(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith(("test_", "conftest"))


def code_without_comments_and_strings(source: str) -> list[str]:
    """The source's lines, comments and string literals replaced by spaces."""
    lines = [list(line) for line in source.splitlines()]
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.STRING):
            continue
        (start_row, start_col), (end_row, end_col) = token.start, token.end
        for row in range(start_row, end_row + 1):
            line = lines[row - 1]
            first = start_col if row == start_row else 0
            last = end_col if row == end_row else len(line)
            line[first:last] = " " * (last - first)
    return ["".join(line) for line in lines]


def _is_private(name: str) -> bool:
    return (
        name.startswith("_")
        and not name.startswith("__")
        and name not in DOCUMENTED_UNDERSCORE
    )


def _framework_module(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in FRAMEWORKS


def _attribute_chain(node: ast.Attribute):
    """The root name of `a.b.c` and the attribute names after it."""
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    return (node.id if isinstance(node, ast.Name) else None), names[::-1]


def private_uses_in_tree(tree: ast.AST) -> list[tuple[int, str]]:
    """Imports of private framework names, and underscore names reached from them."""
    found = []
    framework_names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _framework_module(alias.name):
                    framework_names.add((alias.asname or alias.name).split(".")[0])
                    if any(_is_private(part) for part in alias.name.split(".")):
                        found.append((node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom) and _framework_module(node.module):
            if any(_is_private(part) for part in node.module.split(".")):
                found.append((node.lineno, f"from {node.module} import ..."))
            for alias in node.names:
                framework_names.add(alias.asname or alias.name)
                if _is_private(alias.name):
                    found.append(
                        (node.lineno, f"from {node.module} import {alias.name}")
                    )
                if (
                    node.module == "django.db.models.query"
                    and alias.name in ITERABLE_CLASSES
                ):
                    found.append((node.lineno, f"iterable class {alias.name}"))
            if node.module.startswith("django.db.models.sql"):
                found.append((node.lineno, f"SQL internals from {node.module}"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(
            getattr(node, "parent", None), ast.Attribute
        ):
            root, names = _attribute_chain(node)
            private = [name for name in names if _is_private(name)]
            if root in framework_names and private:
                found.append((node.lineno, f"{root}.{'.'.join(names)}"))
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "super"
            and _is_private(node.attr)
        ):
            found.append((node.lineno, f"super().{node.attr}: a private override"))
    return found


def _with_parents(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node
    return tree


def private_api_findings(source: str, path: str = "<source>") -> list[Finding]:
    findings = []
    for number, line in enumerate(code_without_comments_and_strings(source), 1):
        for what, pattern in PRIVATE_PATTERNS.items():
            if pattern.search(line):
                findings.append(Finding(path, number, what))
    tree = _with_parents(ast.parse(source))
    for number, what in private_uses_in_tree(tree):
        findings.append(Finding(path, number, what))
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.what))


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                ids.add(id(body[0].value))
    return ids


def _enclosing_functions(tree: ast.AST) -> dict[int, str]:
    """For each node inside a function, the innermost function's name."""
    names = {}
    for node in ast.walk(tree):  # outer functions come first, inner ones overwrite
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                names[id(inner)] = node.name
    return names


def markup_findings(source: str, path: str = "<source>") -> list[Finding]:
    """String literals (docstrings aside) that hold an HTML element's start."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    functions = _enclosing_functions(tree)
    findings = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and (path, functions.get(id(node), "")) not in MARKUP_ALLOWED
        ):
            match = MARKUP.search(node.value)
            if match:
                where = functions.get(id(node), "<module>")
                findings.append(
                    Finding(path, node.lineno, f"markup {match.group()!r} in {where}")
                )
    return sorted(findings, key=lambda f: f.line)


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _report(findings: list[Finding]) -> str:
    return "\n".join(str(finding) for finding in findings)


# --- The scanner itself ---------------------------------------------------------


# Each line marked `# found` must be reported; no other line may be.
BAD = """
from django.core.cache import cache
from django.db import connection
from django.utils._os import safe_join  # found
from django.utils.timesince import TIME_STRINGS  # found
from django.db.models.query import ModelIterable  # found
from django.db.models.sql.compiler import SQLCompiler  # found
from django.contrib.sessions.backends import db

client = cache._cache.get_client("k", write=True)  # found
rows = qs._iterable_class  # found
sql, params = qs.query.get_compiler(using="default").as_sql()  # found
for row in compiler.results_iter():  # found
    info = compiler.klass_info  # found
connection.execute_wrappers.append(hook)  # found
connection.connection.prepare_threshold = None  # found
vendor = connection._nodb_cursor  # found


class Store(db.SessionStore):
    def _get_session_from_db(self):  # found
        return super()._get_session_from_db()  # found
"""

HARMLESS = '''
"""A docstring may name cache._cache.get_client(), _iterable_class and <div>."""
from django.db import connection
from django.utils.translation import gettext_lazy as _

# A comment may name klass_info, results_iter, TIME_STRINGS, execute_wrappers.
label = _("Saved")
fields = [f.name for f in Ticket._meta.get_fields()]
message = "get_compiler( and ._cache. in a message are words, not calls"
with connection.execute_wrapper(blocker):
    pass
threshold = connection.settings_dict["OPTIONS"].get("prepare_threshold")
comparison = "<" + "b"
total = rows if rows < limit else limit
user.save(using=self._db)


def helper():
    """Returns <span> in prose only."""
    return self._private_helper()
'''


def test_the_scanner_catches_real_uses():
    expected = {
        number
        for number, line in enumerate(BAD.splitlines(), 1)
        if line.endswith("# found")
    }
    assert {finding.line for finding in private_api_findings(BAD)} == expected
    markup = 'html = f"<td class=\'x\'>{value}</td>"\noptions = "<OPTION value=1>"\n'
    assert [f.what for f in markup_findings(markup)] == [
        "markup '<td' in <module>",
        "markup '<OPTION' in <module>",
    ]


def test_the_scanner_ignores_comments_docstrings_and_documented_names():
    assert private_api_findings(HARMLESS) == []
    assert markup_findings(HARMLESS) == []


# --- The tree --------------------------------------------------------------------


def test_no_private_framework_api_in_first_party_code():
    findings = []
    for path in first_party_files():
        findings += private_api_findings(path.read_text(), _relative(path))
    assert not findings, "private framework API used:\n" + _report(findings)


def test_no_app_module_builds_markup_in_python_strings():
    findings = []
    for path in first_party_files():
        if path.parts[len(ROOT.parts)] in APPS and not is_test_file(path):
            findings += markup_findings(path.read_text(), _relative(path))
    assert not findings, "markup in Python strings (use a template):\n" + _report(
        findings
    )
