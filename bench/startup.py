#!/usr/bin/env python3
"""Start-up time and peak memory of a swns tool against its util-linux counterpart.

Both tools run the same arguments in one session, alternating run by run so that drift in the
machine's load touches both alike. Each timed run is posix_spawn + wait4 around perf_counter_ns.
Peak resident memory is wait4's ru_maxrss (the larger of the tool's and, after exec, the
program's), read by the small C launcher peak_rss.c in a second pass (see there for why). Must run
as root, since creating namespaces needs it; needs a C compiler (cc, or $CC) for the launcher.

    python3 bench/startup.py                 # swunshare --uts --ipc true vs unshare, 2000 runs each
    python3 bench/startup.py --pair nsenter  # swnsenter -t PID -u -i true vs nsenter
    python3 bench/startup.py --runs 500 --args='--uts true'
"""

import argparse
import contextlib
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable, ContextManager, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE_DIR = os.path.join(ROOT, ".build", "release")
LAUNCHER_SOURCE = os.path.join(ROOT, "bench", "peak_rss.c")
LAUNCHER = os.path.join(ROOT, ".build", "bench", "peak_rss")

RATIO_TARGET = 1.0
PEAK_TARGET_KIB = 2048


@contextlib.contextmanager
def no_fixture():
    yield {}


@dataclass(frozen=True)
class Pair:
    """A swns tool, its util-linux counterpart, and the arguments both are timed with.

    `args` may hold `{name}` fields that `fixture` fills in: a context manager that prepares what
    the runs need (for nsenter, a process to enter) and yields the values, then cleans up.
    """

    ours: str
    theirs: str
    args: str
    fixture: Callable[[], ContextManager[Dict[str, str]]] = no_fixture
    ratio_target: float = RATIO_TARGET
    # None: at most the util-linux tool's own peak.
    peak_target_kib: Optional[int] = PEAK_TARGET_KIB


@contextlib.contextmanager
def namespace_holder():
    """A process in new UTS and IPC namespaces for nsenter -t to enter; killed afterwards."""
    holder = subprocess.Popen(["/usr/bin/unshare", "--uts", "--ipc", "sleep", "1000000"])
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # until unshare has exec'd sleep in its namespaces
            with open(f"/proc/{holder.pid}/comm") as comm:
                if comm.read().strip() == "sleep":
                    break
            time.sleep(0.01)
        yield {"pid": str(holder.pid)}
    finally:
        holder.kill()
        holder.wait()


HOLDERS = 1000


@contextlib.contextmanager
def many_namespaces():
    """HOLDERS processes (unshare --fork and its child: twice as many in all), each pair in new pid,
    UTS, IPC and network namespaces, for lsns to list; all killed afterwards."""
    holders = []
    try:
        for _ in range(HOLDERS):
            holders.append(subprocess.Popen(
                ["/usr/bin/unshare", "--fork", "--pid", "--uts", "--ipc", "--net", "sleep", "1000000"],
                start_new_session=True))
        deadline = time.monotonic() + 60
        for holder in holders:  # until each has its child
            while time.monotonic() < deadline:
                try:
                    with open(f"/proc/{holder.pid}/task/{holder.pid}/children") as children:
                        if children.read().strip():
                            break
                except FileNotFoundError:
                    break
                time.sleep(0.001)
        yield {}
    finally:
        for holder in holders:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(holder.pid, 9)  # the unshare and its child share the session's group
        for holder in holders:
            holder.wait()


PAIRS = {
    "unshare": Pair(ours="swunshare", theirs="/usr/bin/unshare", args="--uts --ipc true"),
    "nsenter": Pair(ours="swnsenter", theirs="/usr/bin/nsenter", args="-t {pid} -u -i true", fixture=namespace_holder),
    # lsns: at most half of util-linux's time for the default view, at most its peak, with about 2000
    # processes around; -J and -t net are compared too, against util-linux's time.
    "lsns": Pair(ours="swlsns", theirs="/usr/bin/lsns", args="", fixture=many_namespaces,
                 ratio_target=0.5, peak_target_kib=None),
    "lsns-json": Pair(ours="swlsns", theirs="/usr/bin/lsns", args="-J", fixture=many_namespaces,
                      ratio_target=1.0, peak_target_kib=None),
    "lsns-net": Pair(ours="swlsns", theirs="/usr/bin/lsns", args="-t net", fixture=many_namespaces,
                     ratio_target=1.0, peak_target_kib=None),
}


def timed_run(argv: List[str], devnull: int) -> int:
    """One run's wall time in ns: spawn, wait, and the time between; stdout is discarded, stderr kept."""
    start = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    _, status, _ = os.wait4(pid, 0)
    elapsed = time.perf_counter_ns() - start
    check_status(argv, os.waitstatus_to_exitcode(status))
    return elapsed


def peak_rss_run(argv: List[str]) -> Tuple[int, int]:
    """One run's peak resident memory in KiB and its page faults, from wait4 in the launcher."""
    result = subprocess.run([LAUNCHER] + argv, stdout=subprocess.PIPE, text=True)
    check_status(argv, result.returncode)
    peak, faults = result.stdout.split()
    return int(peak), int(faults)


def check_status(argv: List[str], code: int) -> None:
    if code != 0:
        sys.exit(f"startup.py: {shlex.join(argv)} exited with {code}")


def ensure_launcher() -> None:
    if os.path.exists(LAUNCHER) and os.path.getmtime(LAUNCHER) >= os.path.getmtime(LAUNCHER_SOURCE):
        return
    compiler = os.environ.get("CC") or next(filter(shutil.which, ["cc", "gcc", "clang"]), None)
    if compiler is None:
        sys.exit("startup.py: a C compiler (cc, gcc or clang, or $CC) is needed to build bench/peak_rss.c")
    os.makedirs(os.path.dirname(LAUNCHER), exist_ok=True)
    subprocess.run([compiler, "-O2", "-o", LAUNCHER, LAUNCHER_SOURCE], check=True)


def ensure_built(tool: str) -> str:
    """The default binary, built with the Makefile's release flags when it is missing."""
    path = os.path.join(RELEASE_DIR, tool)
    if not os.path.exists(path):
        print(f"{path} is missing; running make build", file=sys.stderr)
        subprocess.run(["make", "-C", ROOT, "build"], check=True)
    return path


def summarize(name: str, wall_ns: List[int], rss: List[int], faults: List[int]) -> dict:
    wall_ms = [ns / 1e6 for ns in wall_ns]
    deciles = statistics.quantiles(wall_ms, n=10)
    return {
        "name": name,
        "median": statistics.median(wall_ms),
        "p10": deciles[0],
        "p90": deciles[-1],
        "rss_median": statistics.median(rss),
        "rss_max": max(rss),
        "faults_median": statistics.median(faults),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    global HOLDERS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pair", choices=sorted(PAIRS), default="unshare",
                        help="which tool to compare with util-linux (default: unshare)")
    parser.add_argument("--runs", type=int, default=2000, help="timed runs of each tool (default: 2000)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed runs of each tool first (default: 50)")
    parser.add_argument("--memory-runs", type=int, default=100,
                        help="runs of each tool that measure peak memory, after the timed ones (default: 100)")
    parser.add_argument("--swunshare", metavar="PATH",
                        help="the swunshare binary (default: .build/release/swunshare, built if missing)")
    parser.add_argument("--swlsns", metavar="PATH",
                        help="the swlsns binary (default: .build/release/swlsns, built if missing)")
    parser.add_argument("--swnsenter", metavar="PATH",
                        help="the swnsenter binary (default: .build/release/swnsenter, built if missing)")
    parser.add_argument("--util-linux", metavar="PATH", dest="theirs",
                        help="the util-linux binary (default: the pair's, e.g. /usr/bin/unshare)")
    parser.add_argument("--holders", type=int, default=HOLDERS,
                        help=f"namespace holders for the lsns pairs, two processes each (default: {HOLDERS})")
    parser.add_argument("--args", metavar="ARGS",
                        help="the arguments both tools get, as one shell-quoted string; write --args='...'")
    parser.add_argument("--our-extra", metavar="ARGS", default="",
                        help="arguments that only the swns tool gets, before the others (options util-linux lacks, "
                             "such as --json-status-fd 1)")
    options = parser.parse_args()

    if os.geteuid() != 0:
        print("startup.py: must run as root (creating namespaces needs CAP_SYS_ADMIN)", file=sys.stderr)
        return 2
    if options.runs < 2 or options.memory_runs < 1:
        parser.error("--runs must be at least 2 and --memory-runs at least 1")

    HOLDERS = options.holders
    pair = PAIRS[options.pair]
    ours = getattr(options, pair.ours, None) or ensure_built(pair.ours)
    theirs = options.theirs or pair.theirs
    template = shlex.split(options.args if options.args is not None else pair.args)
    ensure_launcher()

    with pair.fixture() as values, open(os.devnull, "wb") as devnull:
        args = [word.format(**values) for word in template]
        extra = shlex.split(options.our_extra)
        commands = {pair.ours: [ours] + extra + args, os.path.basename(theirs): [theirs] + args}
        names = list(commands)
        for _ in range(options.warmup):
            for argv in commands.values():
                timed_run(argv, devnull.fileno())
        wall: Dict[str, List[int]] = {name: [] for name in names}
        for run in range(options.runs):
            for name in names if run % 2 == 0 else names[::-1]:
                wall[name].append(timed_run(commands[name], devnull.fileno()))
        rss: Dict[str, List[int]] = {name: [] for name in names}
        faults: Dict[str, List[int]] = {name: [] for name in names}
        for run in range(options.memory_runs):
            for name in names if run % 2 == 0 else names[::-1]:
                peak, count = peak_rss_run(commands[name])
                rss[name].append(peak)
                faults[name].append(count)

    print(f"pair {options.pair}: {options.runs} alternating timed runs each after {options.warmup} warm-up runs, "
          f"{options.memory_runs} memory runs each; arguments: {shlex.join(args)}")
    for name, argv in commands.items():
        print(f"  {name}: {argv[0]}")
    print(f"{'tool':<12} {'median ms':>10} {'p10 ms':>8} {'p90 ms':>8} {'median KiB':>11} {'max KiB':>8} "
          f"{'faults':>7}")
    rows = [summarize(name, wall[name], rss[name], faults[name]) for name in names]
    for row in rows:
        print(f"{row['name']:<12} {row['median']:>10.3f} {row['p10']:>8.3f} {row['p90']:>8.3f} "
              f"{row['rss_median']:>11.0f} {row['rss_max']:>8} {row['faults_median']:>7.0f}")
    ours_row, theirs_row = rows
    ratio = ours_row["median"] / theirs_row["median"]
    ratio_ok = ratio <= pair.ratio_target
    peak_target = pair.peak_target_kib if pair.peak_target_kib is not None else theirs_row["rss_max"]
    peak_ok = ours_row["rss_max"] <= peak_target
    print(f"ratio of medians ({ours_row['name']} / {theirs_row['name']}): {ratio:.3f}  "
          f"target <= {pair.ratio_target:.1f}  {verdict(ratio_ok)}")
    print(f"peak RSS of {ours_row['name']}: {ours_row['rss_max']} KiB  "
          f"target <= {peak_target} KiB  {verdict(peak_ok)}")
    return 0 if ratio_ok and peak_ok else 1


if __name__ == "__main__":
    sys.exit(main())
