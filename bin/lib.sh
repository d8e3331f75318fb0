# shellcheck shell=bash
# Shared by bin/regent, bin/regentctl and bin/demo: paths, messages, building the jars, and the one
# rule for privileges: PostgreSQL and the agent refuse to run as root, so a launcher started as root
# re-executes its command as the unprivileged system user "regent" (created if missing).
#
# Source it after `set -euo pipefail`; it only defines variables and functions.
#
# Environment knobs:
#   REGENT_USER         the unprivileged user (default: regent)
#   REGENT_LIB_DIR      where jars are copied when the checkout is not readable by that user
#                       (default: /var/lib/regent/lib)
#   REGENT_AGENT_JAR    use this agent jar instead of agent/target/regent-agent.jar (never built)
#   REGENT_CTL_JAR      use this CLI jar instead of controller/target/regentctl.jar (never built)
#   REGENT_JAVA_OPTS    extra JVM options for the agent
#   REGENTCTL_JAVA_OPTS extra JVM options for regentctl

REGENT_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)"
REGENT_USER="${REGENT_USER:-regent}"
REGENT_LIB_DIR="${REGENT_LIB_DIR:-/var/lib/regent/lib}"
PG_BIN="${REGENT_PG_BIN:-/usr/lib/postgresql/15/bin}"
PROG="${PROG:-$(basename "$0")}"

AGENT_JAR_BUILT="$REGENT_HOME/agent/target/regent-agent.jar"
CTL_JAR_BUILT="$REGENT_HOME/controller/target/regentctl.jar"
AGENT_JAR="${REGENT_AGENT_JAR:-$AGENT_JAR_BUILT}"
CTL_JAR="${REGENT_CTL_JAR:-$CTL_JAR_BUILT}"

# The agent: a small bounded heap (it holds little: one cluster snapshot, a REST server), the serial
# collector and the C1 compiler only: measured on the demo, RSS ~115 MB instead of ~170 MB, and less
# CPU spent compiling on a 2-core machine.
AGENT_JVM_OPTS=(-Xms16m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -Xss512k)
# The CLI: short-lived, so start fast rather than run fast (C1 only, serial GC): about twice as fast
# to print a listing.
CTL_JVM_OPTS=(-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

if [ -n "${REGENT_JAVA_OPTS:-}" ]; then
    read -r -a _extra <<<"$REGENT_JAVA_OPTS"
    AGENT_JVM_OPTS+=("${_extra[@]}")
fi
if [ -n "${REGENTCTL_JAVA_OPTS:-}" ]; then
    read -r -a _extra <<<"$REGENTCTL_JAVA_OPTS"
    CTL_JVM_OPTS+=("${_extra[@]}")
fi
unset _extra

log() {
    printf '%s: %s\n' "$PROG" "$*" >&2
}

die() {
    log "$*"
    exit 1
}

# Exit code 2 for a wrong command line, as regentctl does.
die_usage() {
    log "$*"
    exit 2
}

is_root() {
    [ "$(id -u)" -eq 0 ]
}

# Sets JAVA to the java binary's absolute path (the unprivileged user keeps our PATH anyway).
require_java() {
    JAVA="$(command -v java || true)"
    [ -n "$JAVA" ] || die "java not found on PATH: install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless)"
}

ensure_user() {
    if ! id -u "$REGENT_USER" >/dev/null 2>&1; then
        log "creating system user $REGENT_USER"
        useradd -r -m -s /bin/bash "$REGENT_USER"
    fi
}

# ensure_jars agent|controller...: builds the named modules if their jar is missing. Only jars of
# this checkout are built; a jar given through REGENT_*_JAR must exist.
ensure_jars() {
    local module jar built
    local missing=()
    for module in "$@"; do
        case "$module" in
            agent) jar="$AGENT_JAR" built="$AGENT_JAR_BUILT" ;;
            controller) jar="$CTL_JAR" built="$CTL_JAR_BUILT" ;;
            *) die "ensure_jars: unknown module $module" ;;
        esac
        [ -f "$jar" ] && continue
        [ "$jar" = "$built" ] || die "$jar does not exist"
        missing+=("$module")
    done
    [ "${#missing[@]}" -eq 0 ] || build_modules "${missing[@]}"
}

# build_modules MODULE...: `mvn -DskipTests package` for those modules and what they depend on, from
# the repository root; offline first (fast, no network) and online if that fails (nothing cached
# yet). Maven's output goes to stderr so a command's stdout stays its own.
build_modules() {
    local modules offline_log
    modules="$(IFS=,; echo "$*")"
    command -v mvn >/dev/null 2>&1 \
        || die "the $modules jar is not built and mvn is not installed: install maven (apt-get install maven) or build it elsewhere"
    [ -w "$REGENT_HOME" ] || die "the $modules jar is not built and $REGENT_HOME is not writable by $(id -un): build it as its owner (mvn -DskipTests package)"
    log "building $modules (mvn -DskipTests package); the first build downloads dependencies and takes a few minutes"
    offline_log="$(mktemp)"
    if (cd "$REGENT_HOME" && mvn -o -q -B -DskipTests -pl "$modules" -am package) >"$offline_log" 2>&1; then
        rm -f "$offline_log"
        return 0
    fi
    rm -f "$offline_log"
    log "offline build failed (dependencies not cached yet?); building online"
    (cd "$REGENT_HOME" && mvn -q -B -DskipTests -pl "$modules" -am package) >&2 \
        || die "build failed (see Maven's output above)"
}

# as_regent COMMAND...: runs COMMAND as the unprivileged user, in this process (exec, no fork).
#
# Not `runuser -u regent --`: runuser stays behind as a watching parent, and on SIGTERM it sends
# SIGTERM to its child and SIGKILLs it 2 seconds later. An agent stopping PostgreSQL needs longer
# than that. setpriv (util-linux, like runuser) changes uid, gid and groups and then execs, so the
# agent keeps the launcher's pid and receives signals itself. HOME, USER and LOGNAME are set as
# runuser sets them; the rest of the environment (REGENT_*_PASSWORD, PATH) is kept.
#
# A working directory the user cannot enter is replaced by its home directory (the JVM would
# otherwise resolve relative paths against a directory of its own choosing): pass absolute paths.
as_regent() {
    local home gid
    home="$(getent passwd "$REGENT_USER" | cut -d: -f6)"
    gid="$(id -g "$REGENT_USER")"
    if ! setpriv --reuid="$REGENT_USER" --regid="$gid" --init-groups -- test -x "$PWD"; then
        cd "$home" 2>/dev/null || cd /
    fi
    exec setpriv --reuid="$REGENT_USER" --regid="$gid" --init-groups -- \
        env HOME="$home" USER="$REGENT_USER" LOGNAME="$REGENT_USER" "$@"
}

# absolute PATH: PATH made absolute against the current directory (not resolved: it may not exist).
absolute() {
    case "$1" in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s\n' "$PWD/$1" ;;
    esac
}

# regent_can_read PATH: whether the unprivileged user can read PATH (every directory above included).
regent_can_read() {
    setpriv --reuid="$REGENT_USER" --regid="$(id -g "$REGENT_USER")" --init-groups -- test -r "$1"
}

# readable_jar JAR: prints a path to JAR that the unprivileged user can read: JAR itself, or a copy
# in REGENT_LIB_DIR (refreshed when the original changed).
readable_jar() {
    local jar="$1" copy
    if regent_can_read "$jar"; then
        printf '%s\n' "$jar"
        return 0
    fi
    copy="$REGENT_LIB_DIR/$(basename "$jar")"
    if ! cmp -s "$jar" "$copy" 2>/dev/null; then
        log "$jar is not readable by $REGENT_USER; copying it to $REGENT_LIB_DIR"
        install -d -m 0755 "$(dirname "$REGENT_LIB_DIR")" "$REGENT_LIB_DIR"
        install -m 0644 "$jar" "$copy.tmp"
        mv -f "$copy.tmp" "$copy"
    fi
    regent_can_read "$copy" || die "$copy is not readable by $REGENT_USER either: check the permissions of its directories"
    printf '%s\n' "$copy"
}

# install_server_packages: etcd, PostgreSQL 15, HAProxy and iproute2 from Debian, when missing (root only; others are
# told what to install). Debian's postgresql package would create and start a "main" cluster on
# port 5432; Regent's nodes are their own clusters, so that is switched off before installing.
install_server_packages() {
    local missing=()
    command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
    command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
    [ -x "$PG_BIN/pg_ctl" ] || missing+=(postgresql-15)
    command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
    # the end-to-end tests put HAProxy in front of a cluster, as operators do
    [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
    # the partition tests put each node in its own network namespace (ip netns, veth, bridge)
    command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /bin/ip ] || missing+=(iproute2)
    [ "${#missing[@]}" -eq 0 ] && return 0
    is_root || die "missing: ${missing[*]}. Install them as root (apt-get install ${missing[*]}), or run this as root, which does it"
    if [[ " ${missing[*]} " == *" postgresql-15 "* ]] && [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        install -d /etc/postgresql-common
        echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    fi
    log "installing ${missing[*]} (apt-get)"
    apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
        || die "apt-get install ${missing[*]} failed"
    [ -x "$PG_BIN/pg_ctl" ] || die "$PG_BIN/pg_ctl is still missing (set REGENT_PG_BIN to PostgreSQL 15's bin directory)"
}

# install_build_tools: a JDK 17 and Maven, when missing (root only).
install_build_tools() {
    local missing=()
    command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null 2>&1 || missing+=(maven)
    [ "${#missing[@]}" -eq 0 ] && return 0
    is_root || die "missing: ${missing[*]}. Install them as root (apt-get install ${missing[*]})"
    log "installing ${missing[*]} (apt-get)"
    apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
        || die "apt-get install ${missing[*]} failed"
}
