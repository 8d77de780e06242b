#!/usr/bin/env python3
"""Regenerate link/TOOL.order, the symbol order in which the release link lays out each tool.

Why: a static Swift binary is about 12 MB, and the kernel maps file pages around each page fault
in 64 KiB blocks ("fault-around"). The code and data that one run of a tool touches are spread over
the whole file, so each run maps dozens of such blocks: more page faults, more page-table work at
exit, and a peak resident size well above what the run needs. lld's --symbol-ordering-file puts the
listed functions and data, in list order, at the start of their output sections, so one run touches
far fewer blocks. The Makefile compiles with -function-sections, so that each Swift function is a
section of its own: without it, the functions of one source file share a section and move together.
Symbols that a build lacks are ignored, so the file never breaks a link; a stale
file only makes the layout less tight.

How: each tool runs a few typical command lines under valgrind's lackey tool, which reports every
instruction fetch and data access; the script maps the addresses to symbols in first-touch order.
Two corrections:
  * many functions of libswiftCore's Swift.o share one 1.6 MB .text section that no linker can
    split, so listing any of them would drag that whole section into the middle of the hot code;
    they are left out and the section keeps its place after the ordered code;
  * glibc picks string functions (memmove, strlen, ...) for the CPU at run time through IFUNC
    resolvers, and valgrind's virtual CPU is not the real one: each resolver that a run touched is
    followed by the variant it picks on this machine's CPU, read from the resolved GOT slots of the
    binary stopped at main under gdb. (On another CPU the variants differ and stay unordered:
    slower, never wrong.)

Run as root after a release build (make build), with valgrind installed:

    python3 link/generate.py
"""

import bisect
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE_DIR = os.path.join(ROOT, ".build", "release")
LINK_DIR = os.path.join(ROOT, "link")

# What each tool does on a typical day; the first runs weigh most, since first touches come first.
COMMANDS = {
    "swunshare": [
        ["--uts", "--ipc", "true"],
        ["--fork", "--pid", "--mount-proc", "true"],
        ["--map-root-user", "true"],
        ["--mount", "--propagation", "private", "true"],
        ["--net", "--hostname", "order", "true"],
    ],
    "swlsns": [
        [],
        ["-J"],
        ["-t", "net"],
        ["-l", "-o", "NS,TYPE,PNS,ONS"],
    ],
    "swnsenter": [
        ["-t", "{pid}", "-u", "-i", "true"],
        ["-t", "{pid}", "-a", "true"],
        ["-t", "{pid}", "-n", "-p", "true"],
    ],
}


# Code that valgrind cannot run: valgrind 3.19 does not know pidfd_open(2), so under it swnsenter
# takes its /proc/PID/ns fallback, and the functions of the pidfd path (the usual one) would stay
# unordered. They are named here and placed right after the first run's code.
VALGRIND_MISSES = {
    "swnsenter": [r"setnsAcceptsPidfd", r"hasExited", r"^(__)?uname$", r"^(__)?poll$", r"pidfd_open",
                  r"^(__)?setns$"],
}


def symbols(binary):
    """(start, size, name, type) of every sized symbol in the binary, sorted by address."""
    table = []
    listing = subprocess.run(["nm", "-S", "-n", binary], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4:
            table.append((int(fields[0], 16), int(fields[1], 16), fields[3], fields[2]))
    table.sort()
    return table


def native_ifunc_targets(binary, table):
    """Resolver name -> name of the variant it picks on this CPU (static binaries resolve their
    IRELATIVE relocations before main)."""
    relocations = subprocess.run(["readelf", "-rW", binary], capture_output=True, text=True, check=True).stdout
    slots = []
    for line in relocations.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[2] == "R_X86_64_IRELATIVE":
            slots.append((int(fields[0], 16), int(fields[3], 16)))
    if not slots or shutil.which("gdb") is None:
        return {}
    commands = ["-ex", "break main", "-ex", "run"] + [arg for slot, _ in slots for arg in ("-ex", f"x/gx {slot:#x}")]
    output = subprocess.run(["gdb", "-batch", "-nx"] + commands + ["--args", binary, "--version"],
                            capture_output=True, text=True).stdout
    values = [int(match.group(1), 16) for match in re.finditer(r"^0x[0-9a-f]+.*?:\s+(0x[0-9a-f]+)", output, re.M)]
    by_address = {start: name for start, _, name, _ in table}
    return {by_address[resolver]: by_address[value] for (_, resolver), value in zip(slots, values)
            if resolver in by_address and value in by_address}


def touched(binary, args, table):
    """Symbols that one run touches, text first then data, each in first-touch order."""
    starts = [entry[0] for entry in table]
    text, data, seen = [], [], set()
    with tempfile.TemporaryDirectory() as scratch:
        log = os.path.join(scratch, "lackey.%p")
        subprocess.run(["valgrind", "--tool=lackey", "--trace-mem=yes", f"--log-file={log}", binary] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        for path in sorted(glob.glob(os.path.join(scratch, "lackey.*"))):
            with open(path) as lines:
                for line in lines:
                    fields = line.split()
                    if len(fields) != 2 or fields[0] not in ("I", "L", "S", "M"):
                        continue
                    address = int(fields[1].split(",")[0], 16)
                    index = bisect.bisect_right(starts, address) - 1
                    if index < 0:
                        continue
                    start, size, name, _ = table[index]
                    if not start <= address < start + max(size, 1) or name in seen:
                        continue
                    seen.add(name)
                    (text if fields[0] == "I" else data).append(name)
    return text, data


def unsplittable_swift_locals():
    """The symbols of the one big .text section in the toolchain's libswiftCore.a (Swift.o)."""
    swiftc = shutil.which("swiftc")
    if swiftc is None:
        return set()
    archive = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(swiftc))),
                           "lib", "swift_static", "linux", "libswiftCore.a")
    if not os.path.exists(archive):
        return set()
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["ar", "x", archive, "Swift.o"], cwd=scratch, check=True)
        headers = subprocess.run(["readelf", "-SW", os.path.join(scratch, "Swift.o")],
                                 capture_output=True, text=True, check=True).stdout
        listing = subprocess.run(["readelf", "-sW", os.path.join(scratch, "Swift.o")],
                                 capture_output=True, text=True, check=True).stdout
    text_index = next((match.group(1) for match in re.finditer(r"\[\s*(\d+)\] \.text\s", headers)), None)
    return {fields[7] for fields in (line.split() for line in listing.splitlines())
            if len(fields) >= 8 and fields[6] == text_index}


def main():
    if os.geteuid() != 0:
        sys.exit("generate.py: run as root: the commands create namespaces")
    if shutil.which("valgrind") is None:
        sys.exit("generate.py: valgrind is needed (apt-get install valgrind)")
    excluded = unsplittable_swift_locals()
    # A process for swnsenter -t to enter.
    holder = subprocess.Popen(["/usr/bin/unshare", "--uts", "--ipc", "--net", "sleep", "1000000"])
    try:
        time.sleep(0.2)  # until unshare has made the namespaces and exec'd sleep
        for tool, runs in COMMANDS.items():
            order = tool_order(tool, runs, excluded, target=holder.pid)
            path = os.path.join(LINK_DIR, f"{tool}.order")
            with open(path, "w") as out:
                out.write("\n".join(order) + "\n")
            print(f"wrote {len(order)} symbols to {os.path.relpath(path, ROOT)}")
    finally:
        holder.kill()
        holder.wait()


def tool_order(tool, runs, excluded, target):
    """The symbols that the tool's runs touch: text first, then data, each in first-touch order."""
    binary = os.path.join(RELEASE_DIR, tool)
    if not os.path.exists(binary):
        sys.exit(f"generate.py: {binary} is missing; run make build first")
    table = symbols(binary)
    variants = native_ifunc_targets(binary, table)
    order, seen, data_order = [], set(), []

    def add(name):
        if name not in seen and name not in excluded:
            seen.add(name)
            order.append(name)

    for number, args in enumerate(runs):
        args = [word.replace("{pid}", str(target)) for word in args]
        text, data = touched(binary, args, table)
        for name in text:
            add(name)
            if name in variants:
                add(variants[name])
        if number == 0:
            for pattern in VALGRIND_MISSES.get(tool, []):
                for _, _, name, kind in table:
                    if kind in "tTW" and re.search(pattern, name):
                        add(name)
        data_order.extend(data)
    for name in data_order:
        add(name)
    return order


if __name__ == "__main__":
    main()
