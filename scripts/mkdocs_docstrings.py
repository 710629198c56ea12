"""A griffe extension for the API reference (mkdocs.yml): docstrings written with reST roles read as Markdown.

hookfast's docstrings are Google-style with a few reST habits (``:func:`name```, ``::`` before an
indented example), which mkdocstrings would show as typed. This turns each role into a code span
(``:meth:`~hookfast.hook.Hook.enable``` becomes ``enable`` in backticks, as Sphinx's ``~`` shows
it) and a paragraph's closing ``::`` into ``:``, when griffe loads a docstring, before it is parsed.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj|const):`(~?)([^`]+)`")
_LITERAL_BLOCK = re.compile(r"(?<=\S)::$", re.MULTILINE)


def _code_span(match: re.Match[str]) -> str:
    short, target = match.groups()
    target = target.strip()
    if short:
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def to_markdown(text: str) -> str:
    """``text`` with its reST roles as code spans and each paragraph-ending ``::`` as ``:``."""
    return _LITERAL_BLOCK.sub(":", _ROLE.sub(_code_span, text))


class RestRolesAsMarkdown(griffe.Extension):
    """Rewrites every docstring griffe loads with :func:`to_markdown`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
