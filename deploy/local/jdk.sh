#!/usr/bin/env bash
# Finds a JDK 21 or newer for the build and the services; sourced by .ci/run and deploy/local/stack.sh.
#
#   source deploy/local/jdk.sh; JAVA_HOME=$(pick_jdk /usr/lib/jvm)
#   deploy/local/jdk.sh          prints the JDK it would pick (nothing and exit 1 when there is none)
#
# The choice: $JAVA_HOME if it is a JDK 21+; else the newest JDK 21+ under /usr/lib/jvm; else the
# java on the PATH if it belongs to one; else openjdk-25- or openjdk-21-jdk-headless from Debian's
# packages (as root or with password-less sudo), whichever the distribution has.

# Major version of the JDK at $1; nothing when $1 is not a JDK (a JRE has no javac).
jdk_major() {
    local home=$1 version=''
    [[ -x $home/bin/java && -x $home/bin/javac ]] || return 0
    if [[ -f $home/release ]]; then
        version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release")
    fi
    if [[ -z $version ]]; then
        version=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
    fi
    version=${version#1.} # 1.8.0 -> 8
    echo "${version%%[.+-]*}"
}

is_jdk21() {
    local major
    major=$(jdk_major "$1")
    [[ -n $major ]] && ((major >= 21))
}

newest_jdk21_under() {
    local home major best='' best_major=0
    for home in "$1"/*; do
        # Debian adds symlinked aliases (java-1.17.0-openjdk-amd64 -> java-17-...): skip them.
        [[ -d $home && ! -L $home ]] || continue
        major=$(jdk_major "$home")
        if [[ -n $major ]] && ((major >= 21 && major > best_major)); then
            best=$home
            best_major=$major
        fi
    done
    echo "$best"
}

install_jdk() {
    command -v apt-get >/dev/null 2>&1 || return 0
    local as_root=() package
    if ((EUID != 0)); then
        sudo -n true 2>/dev/null || return 0
        as_root=(sudo -n)
    fi
    echo "jdk.sh: no JDK 21+ found; trying Debian's openjdk-25/21-jdk-headless" >&2
    "${as_root[@]}" apt-get update -q >/dev/null 2>&1 || return 0
    for package in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
        if apt-cache policy "$package" 2>/dev/null | grep -q '^ *Candidate: [^(]'; then
            "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$package" >/dev/null 2>&1 || return 0
            return 0
        fi
    done
}

# Prints the JDK to use, or nothing. $1: the folder of installed JVMs (/usr/lib/jvm).
pick_jdk() {
    local jvm_dir=$1 home
    if [[ -n ${JAVA_HOME:-} ]] && is_jdk21 "$JAVA_HOME"; then
        echo "$JAVA_HOME"
        return
    fi
    home=$(newest_jdk21_under "$jvm_dir")
    if [[ -z $home ]] && command -v java >/dev/null 2>&1; then
        home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        is_jdk21 "$home" || home=''
    fi
    if [[ -z $home ]]; then
        install_jdk
        home=$(newest_jdk21_under "$jvm_dir")
    fi
    echo "$home"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    home=$(pick_jdk /usr/lib/jvm)
    [[ -n $home ]] || exit 1
    echo "$home"
fi
