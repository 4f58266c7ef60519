#!/usr/bin/env bash
# A throwaway single-node SLURM for trying `neurosieve slurm` scripts (and tests): Debian's slurmctld + slurmd +
# munge, started without systemd, configured on loopback only, everything (key, state, spool, logs) in DIR.
#
#   scripts/engines/slurm.sh start DIR    installs slurmctld/slurmd/slurm-client/munge when missing (apt-get),
#                                         starts munged, slurmctld and slurmd; prints the SLURM_CONF to export
#   scripts/engines/slurm.sh stop DIR     stops them (by their pid files)
#
# Then: export SLURM_CONF=DIR/slurm.conf; sbatch/squeue/sacct talk to this cluster. Runs as root (slurmd must).
set -euo pipefail
cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

install_slurm() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null && return
  echo "slurm.sh: installing Debian's slurmctld, slurmd, slurm-client and munge" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >&2
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

case "$cmd" in
  start)
    install_slurm
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
    chmod 700 "$dir/munge"
    [ -f "$dir/munge/munge.key" ] || { dd if=/dev/urandom bs=1 count=1024 of="$dir/munge/munge.key" status=none; chmod 400 "$dir/munge/munge.key"; }
    munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.sock" --pid-file="$dir/munge/munged.pid" \
      --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" --force
    node_name="$(hostname -s)"
    cpus="$(nproc)"
    mem="$(awk '/MemTotal/ {print int($2/1024) - 512}' /proc/meminfo)"
    cat >"$dir/slurm.conf" <<CONF
ClusterName=neurosieve
SlurmctldHost=${node_name}(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MaxArraySize=1001
NodeName=${node_name} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${node_name} Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -c -f "$dir/slurm.conf"
    slurmd -c -f "$dir/slurm.conf" -N "$node_name"
    for _ in $(seq 100); do
      if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then echo "$dir/slurm.conf"; exit 0; fi
      sleep 0.1
    done
    echo "slurm.sh: the node did not become idle (logs: $dir/slurmctld.log, $dir/slurmd.log)" >&2
    sinfo >&2 || true
    exit 1
    ;;
  stop)
    for p in slurmd.pid slurmctld.pid munge/munged.pid; do
      [ -f "$dir/$p" ] || continue
      pid="$(cat "$dir/$p")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
