# Sourced by the image scripts: installs podman when missing and sets the flags this kind of
# machine needs. Defines PODMAN_RUN_FLAGS (for `podman build` and `podman run`).

# Each checked on its own: Debian's podman brings crun, not the runc used below.
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "image: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "image: please install ${missing[*]} (debootstrap makes the local base image)" >&2
    exit 1
  fi
fi

# podman asks runc for RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 4194304 by default; where the
# hard limits are lower (20000 open files on CI machines) every container fails to start with
# "error setting rlimit type 7: operation not permitted". Ask for what this shell may have.
hard_limit() { # <ulimit flag> <fallback when unlimited>
  local v
  v=$(ulimit -H "$1")
  if [ "$v" = unlimited ]; then echo "$2"; else echo "$v"; fi
}
nofile=$(hard_limit -n 1048576)
# conmon runs with at most 32768 processes whatever the shell allows (seen here), so no more.
nproc=$(hard_limit -u 32768)
if [ "$nproc" -gt 32768 ]; then nproc=32768; fi
PODMAN_RUN_FLAGS=(--ulimit "nofile=${nofile}:${nofile}" --ulimit "nproc=${nproc}:${nproc}")
# runc with the cgroupfs manager: crun refuses cgroup v1 hybrid hosts, and there is no systemd.
# (podman picks cgroupfs itself where systemd is not the init; the flags make it explicit.)
PODMAN=(podman --runtime runc --cgroup-manager cgroupfs)
