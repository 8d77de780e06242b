#!/usr/bin/env python3
"""What `swlsns --watch` costs: one watch scan against one `swlsns` run, and processor time per
minute of an idle watch.

One scan: with the lsns pairs' namespace holders running (1000 by default, about 2000 processes),
`swlsns` runs RUNS times, and the watch runs twice under SWNS_WATCH_SCANS (a benchmark switch that
ends it after that many scans): once for its first scan alone, once for SCANS more. The difference,
divided by SCANS, is the cost of one scan after the first, in processor time (user + system, from
wait4's rusage) and wall time. The target: a scan costs no more than a `swlsns` run.

Idle: no holders; `swlsns --watch --watch-events-only` with its defaults (1 s, every event source
that works) runs for IDLE seconds, and its processor time is read from /proc/PID/stat (utime and
stime) after its first scan and at the end.

    python3 bench/watch.py                    # both, 1000 holders, 60 idle seconds
    python3 bench/watch.py --idle 0           # the scans only
    python3 bench/watch.py --holders 0 --scans 50
    python3 bench/watch.py --runs 0 --idle 0 --busy 30   # events against polling on a busy host

Busy (with --busy SECONDS): with the holders running and a shell forking /bin/true without pause,
the watch runs with its defaults under each --watch-source in turn, and its processor time is read
as for idle: on such a host the events never stop, and must not make the watch cost more than
polling.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import startup  # noqa: E402  (the holders and the build)

TICKS = os.sysconf("SC_CLK_TCK")


def child_times(argv, env=None):
    """Runs argv with its output thrown away; its (processor seconds, wall seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, env=env, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def watch_times(swlsns, scans):
    env = dict(os.environ, SWNS_WATCH_SCANS=str(scans))
    return child_times([swlsns, "--watch=1ms", "--watch-events-only", "--watch-source=poll"], env)


def process_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime and stime, fields 14 and 15


def watched_seconds(argv, seconds, warmup):
    """The processor time a watch uses in `seconds`, after `warmup` seconds for its first scan."""
    watch = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    try:
        time.sleep(warmup)
        start = process_seconds(watch.pid)
        time.sleep(seconds)
        return process_seconds(watch.pid) - start
    finally:
        watch.send_signal(2)
        watch.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--holders", type=int, default=startup.HOLDERS, help="namespace holders for the scans")
    parser.add_argument("--runs", type=int, default=10, help="swlsns runs, and rounds of watch runs")
    parser.add_argument("--scans", type=int, default=20, help="scans after the first in each watch run")
    parser.add_argument("--idle", type=float, default=60, help="seconds of idle watching (0: none)")
    parser.add_argument("--busy", type=float, default=0, help="seconds of watching a busy host per source (0: none)")
    parser.add_argument("--swlsns", default=None, help="the swlsns binary (default: .build/release/swlsns)")
    options = parser.parse_args()
    if os.geteuid() != 0:
        print("watch.py: run as root (the holders make namespaces)", file=sys.stderr)
        return 2
    swlsns = options.swlsns or startup.ensure_built("swlsns")
    startup.HOLDERS = options.holders

    ok = True
    if options.runs > 0:
        with startup.many_namespaces():
            processes = len([entry for entry in os.listdir("/proc") if entry.isdigit()])
            runs, scans = [], []
            for _ in range(options.runs):
                runs.append(child_times([swlsns]))
                first = watch_times(swlsns, 1)
                more = watch_times(swlsns, options.scans + 1)
                scans.append(((more[0] - first[0]) / options.scans, (more[1] - first[1]) / options.scans))
        run_cpu = statistics.median(r[0] for r in runs) * 1000
        run_wall = statistics.median(r[1] for r in runs) * 1000
        scan_cpu = statistics.median(s[0] for s in scans) * 1000
        scan_wall = statistics.median(s[1] for s in scans) * 1000
        print(f"one scan, {processes} processes ({options.holders} holders), medians of {options.runs} rounds:")
        print(f"  swlsns run:        {run_cpu:8.1f} ms processor  {run_wall:8.1f} ms wall")
        print(f"  watch scan:        {scan_cpu:8.1f} ms processor  {scan_wall:8.1f} ms wall"
              f"  ({options.scans} scans after the first, each run)")
        ratio = scan_cpu / run_cpu if run_cpu else 0
        passed = ratio <= 1.0
        ok = ok and passed
        print(f"  ratio scan / run (processor): {ratio:.3f}  target <= 1.0  {'PASS' if passed else 'FAIL'}")
        print(f"  ratio scan / run (wall):      {scan_wall / run_wall if run_wall else 0:.3f}")

    if options.busy > 0:
        with startup.many_namespaces():
            print(f"busy host ({options.holders} holders, a shell forking /bin/true), {options.busy:.0f} s each:")
            for source in ["events", "poll"]:
                churn = subprocess.Popen(["/bin/sh", "-c", "while :; do /bin/true; done"])
                try:
                    used = watched_seconds([swlsns, "--watch", "--watch-events-only", f"--watch-source={source}"],
                                           options.busy, warmup=3)
                finally:
                    churn.kill()
                    churn.wait()
                per_minute = used * 60 / options.busy
                print(f"  --watch-source={source}: {per_minute:.2f} s per minute ({per_minute / 60 * 100:.1f} % of one core)")

    if options.idle > 0:
        processes = len([entry for entry in os.listdir("/proc") if entry.isdigit()])
        used = watched_seconds([swlsns, "--watch", "--watch-events-only"], options.idle, warmup=2)
        per_minute = used * 60 / options.idle
        print(f"idle watch ({processes} processes, --watch defaults), {options.idle:.0f} s:")
        print(f"  processor time: {per_minute:.2f} s per minute ({per_minute / 60 * 100:.2f} % of one core)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
