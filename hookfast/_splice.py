"""A slot function recompiled from its own source with the hook calls put before its body.

Generated code calls the method body as a second function. When every active hook is a plain
function expected to return ``None``, the compiled backend does better: it recompiles the slot's
own ``def`` with a few statements in front (the gate check and the hook calls), so the body runs in
the same frame, as if the user had written the calls at the top of the method. A call then costs
what the hand-written calls cost plus a few checks.

The recompilation must produce the very code the interpreter compiled: :meth:`SourceTemplate.of`
compiles the source unchanged first, in the same scopes (the enclosing class for name mangling and
``super()``, the enclosing function's variables as free variables), and accepts the template only if
the result equals the function's original code object (``code == code`` compares the bytecode,
constants, names, line table and exception table). Source that changed on disk since, source that
cannot be found (``python -c``, ``exec``), and anything the recompilation does not reproduce exactly
leave the slot on the generated code. Cold path only.
"""

from __future__ import annotations

import ast
import sys
import warnings
import weakref
from types import CodeType

TYPE_CHECKING = False  # typing costs ~3 ms at import; annotations are strings anyway
if TYPE_CHECKING:
    from typing import Any

__all__ = ["SourceTemplate", "original_of"]

_FACTORY = "__hookfast_splice_factory__"
_CO_NESTED = 0x10


def _future_flags(code: CodeType) -> int:
    import __future__

    flags = 0
    for name in __future__.all_feature_names:
        flag = getattr(__future__, name).compiler_flag
        if code.co_flags & flag:
            flags |= flag
    return flags


_MODULE_IMPORTS_CACHE_SIZE = 64
_TEMPLATES_CACHE_SIZE = 256
_COMPILED_CACHE_SIZE = 32
#: templates (or None: no faithful source) by the function's code at registration and qualname
_templates: dict[tuple[CodeType, str], SourceTemplate | None] = {}
#: spliced code -> the function's own code, as long as the spliced code lives
_originals: weakref.WeakKeyDictionary[CodeType, CodeType] = weakref.WeakKeyDictionary()


def original_of(code: CodeType) -> CodeType:
    """The function's own code that ``code`` was spliced from (``code`` itself if it was not).

    For tools that watch a method's code object run (a profiler counting calls, the benchmark's
    checks): while hooks run inline, the method's body runs as part of another code object.
    """
    return _originals.get(code, code)
_module_imports: dict[tuple[str, int], list[ast.stmt]] = {}


def _imports(filename: str, lines: list[str]) -> list[ast.stmt]:
    """The import statements at module level of a source file (in ``if``/``try`` blocks too).

    The compiler reads them: since CPython 3.11, calling an attribute of a name imported at module
    level compiles to an attribute load, not a method load. They are compiled with the function,
    never run.
    """
    key = (filename, hash(tuple(lines)))
    found = _module_imports.get(key)
    if found is not None:
        return found
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        found = []
    else:
        found = []
        pending: list[ast.stmt] = list(tree.body)
        while pending:
            node = pending.pop(0)
            if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.module != "__future__"):
                found.append(node)
            elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(node, field, ()):
                        pending.extend(child.body if isinstance(child, ast.ExceptHandler) else [child])
    if len(_module_imports) >= _MODULE_IMPORTS_CACHE_SIZE:
        _module_imports.clear()
    _module_imports[key] = found
    return found


def _locate(node: Any, line: int, column: int) -> None:
    """Give ``node`` one position (all of its code then maps to that line)."""
    node.lineno = node.end_lineno = line
    node.col_offset = node.end_col_offset = column


def _no_type_params(node: Any) -> None:
    if sys.version_info >= (3, 12):  # a field of definitions since 3.12 (PEP 695)
        node.type_params = []


def _find(code: CodeType, name: str, line: int) -> CodeType | None:
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            if constant.co_name == name and constant.co_firstlineno == line:
                return constant
            found = _find(constant, name, line)
            if found is not None:
                return found
    return None


class SourceTemplate:
    """The ``def`` of a slot function, as parsed from its source and checked against its code."""

    __slots__ = ("_class_name", "_compiled", "_definition", "_filename", "_flags", "_free", "_imports", "original")

    def __init__(
        self,
        original: CodeType,
        definition: ast.FunctionDef | ast.AsyncFunctionDef,
        class_name: str | None,
        free: tuple[str, ...],
        imports: list[ast.stmt],
    ) -> None:
        self.original = original
        self._definition = definition
        self._imports = imports
        self._class_name = class_name
        self._free = free
        self._filename = original.co_filename
        self._flags = _future_flags(original)
        self._compiled: dict[tuple[str, ...], CodeType] = {}

    @classmethod
    def of(cls, function: Any, original: CodeType) -> SourceTemplate | None:
        """The template of ``function`` (whose code at registration was ``original``), or None.

        Shared by every function made from the same code (a class created in a loop).
        """
        key = (original, getattr(function, "__qualname__", ""))
        if key in _templates:
            return _templates[key]
        template = cls._make(function, original)
        if len(_templates) >= _TEMPLATES_CACHE_SIZE:
            _templates.clear()
        _templates[key] = template
        return template

    @classmethod
    def _make(cls, function: Any, original: CodeType) -> SourceTemplate | None:
        import inspect
        import linecache

        try:
            lines = linecache.getlines(original.co_filename)
            if not lines:
                return None
            block = inspect.getblock(lines[original.co_firstlineno - 1 :])
        except Exception:
            return None
        text = "".join(block)
        indented = bool(text[:1].isspace())
        try:
            tree = ast.parse("if 1:\n" + text if indented else text)
        except SyntaxError:
            return None
        container = tree.body[0].body if indented else tree.body  # type: ignore[attr-defined]
        if not container or not isinstance(container[0], (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        definition = container[0]
        if definition.name != original.co_name:
            return None
        ast.increment_lineno(definition, original.co_firstlineno - (2 if indented else 1))
        qualname: str = getattr(original, "co_qualname", None) or getattr(function, "__qualname__", "") or ""
        parts = qualname.split(".")
        class_name = parts[-2] if len(parts) >= 2 and parts[-2] != "<locals>" else None
        free = tuple(name for name in original.co_freevars if name != "__class__")
        template = cls(original, definition, class_name, free, _imports(original.co_filename, lines))
        try:
            rebuilt = template._compile([], ())
        except Exception:
            return None
        if rebuilt != original:
            return None
        return template

    def compile(self, prologue: list[str], plan_names: tuple[str, ...]) -> CodeType:
        """The function's code with ``prologue`` (statements, unindented) before its body.

        ``plan_names`` become free variables of the result, beside the function's own.
        """
        key = (*prologue, "|", *plan_names)
        code = self._compiled.get(key)
        if code is None:
            code = self._compile(prologue, plan_names)
            if len(self._compiled) >= _COMPILED_CACHE_SIZE:
                self._compiled.clear()
            self._compiled[key] = code
        return code

    def remember(self, code: CodeType) -> CodeType:
        """Record that ``code`` (spliced, its markers replaced) runs this function's body."""
        _originals[code] = self.original
        return code

    def _compile(self, prologue: list[str], plan_names: tuple[str, ...]) -> CodeType:
        import copy

        definition = copy.deepcopy(self._definition)
        if prologue:
            statements = ast.parse("\n".join(prologue)).body
            for node in statements:
                for child in ast.walk(node):
                    if hasattr(child, "lineno"):
                        _locate(child, definition.lineno, definition.col_offset)
            body = definition.body
            docstring = (
                1
                if body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
                else 0
            )
            definition.body = [*body[:docstring], *statements, *body[docstring:]]
        inner: ast.stmt = definition
        if self._class_name is not None:
            inner = ast.ClassDef(name=self._class_name, bases=[], keywords=[], body=[definition], decorator_list=[])
            _no_type_params(inner)
        factory = ast.FunctionDef(
            name=_FACTORY,
            args=ast.arguments(
                posonlyargs=[],
                args=[ast.arg(arg=name) for name in (*self._free, *plan_names)],
                kwonlyargs=[],
                kw_defaults=[],
                defaults=[],
            ),
            body=[inner, ast.Pass()],
            decorator_list=[],
            returns=None,
        )
        _no_type_params(factory)
        module = ast.Module(body=[*copy.deepcopy(self._imports), factory], type_ignores=[])
        for part in ast.walk(module):
            if not hasattr(part, "lineno") and isinstance(part, (ast.stmt, ast.expr, ast.arg)):
                _locate(part, 1, 0)
        ast.fix_missing_locations(module)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            compiled = compile(
                module, self._filename, "exec", flags=self._flags, dont_inherit=True, optimize=sys.flags.optimize
            )
        code = _find(compiled, self.original.co_name, self.original.co_firstlineno)
        if code is None:
            raise LookupError(self.original.co_name)
        # nested in the factory, the code is flagged CO_NESTED: informational, keep the original's
        changes: dict[str, Any] = {"co_flags": (code.co_flags & ~_CO_NESTED) | (self.original.co_flags & _CO_NESTED)}
        if hasattr(self.original, "co_qualname"):
            changes["co_qualname"] = self.original.co_qualname
        return code.replace(**changes)
