#!/usr/bin/env bash
# The benchmark report across every CPython 3.9-3.14 installed on this machine, in one report.
#
# For each version found (pyenv's newest 3.X.Y, else python3.X on PATH), makes a venv
# .venv-bench-3.X in the project root, installs this checkout there with the bench extra (the
# compiled backend is built for each version), then runs one `hookfast-bench --python ...` over all
# of them: one section per version, a summary with a column per version, the JSON and the chart.
#
# Usage: scripts/bench-all-pythons.sh [hookfast-bench options]    (e.g. --quick, --output-dir DIR)
# BENCH_PYTHONS="3.11 3.12" picks the versions (default: 3.9 to 3.14). A version whose venv or
# install fails is reported and left out; the report runs if any version is left.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

versions=${BENCH_PYTHONS:-"3.9 3.10 3.11 3.12 3.13 3.14"}

pyenv_root() {
    if command -v pyenv > /dev/null 2>&1; then
        pyenv root
    else
        echo "${PYENV_ROOT:-$HOME/.pyenv}"
    fi
}

find_python() {
    # $1 = 3.X: the newest pyenv CPython 3.X.Y (not a free-threaded "t" build), else python3.X on PATH.
    local version=$1 root candidate
    root=$(pyenv_root)
    if [ -d "$root/versions" ]; then
        candidate=$(ls "$root/versions" | grep -E "^${version//./\\.}\.[0-9]+$" | sort -V | tail -n 1 || true)
        if [ -n "$candidate" ] && [ -x "$root/versions/$candidate/bin/python" ]; then
            echo "$root/versions/$candidate/bin/python"
            return
        fi
    fi
    command -v "python$version" || true
}

pythons=()
for version in $versions; do
    base=$(find_python "$version")
    if [ -z "$base" ]; then
        echo "== CPython $version: not installed, skipped" >&2
        continue
    fi
    venv=".venv-bench-$version"
    echo "== CPython $version: $base -> $venv (installing this checkout with the bench extra)" >&2
    if "$base" -m venv "$venv" && "$venv/bin/python" -m pip install -q ".[bench]"; then
        pythons+=("$PWD/$venv/bin/python")
    else
        echo "== CPython $version: the venv or the install failed, skipped" >&2
    fi
done

if [ ${#pythons[@]} -eq 0 ]; then
    echo "no CPython 3.9-3.14 could be set up; nothing measured" >&2
    exit 1
fi

arguments=()
for python in "${pythons[@]}"; do
    arguments+=(--python "$python")
done
# Any venv's hookfast-bench drives the run; each version is measured by its own interpreter.
exec "${pythons[0]%/python}/hookfast-bench" "${arguments[@]}" "$@"
