#!/usr/bin/env python3
"""Regenerate link/startup.order, the symbol order the release link lays the binaries out in.

Why: a static Swift binary is about 12 MB, and the kernel maps file pages around each page fault
in 64 KiB blocks ("fault-around"). The code and data that one run of a tool touches are spread over
the whole file, so each run maps dozens of such blocks: more page faults, more page-table work at
exit, and a peak resident size well above what the run needs. lld's --symbol-ordering-file puts the
listed functions and data, in list order, at the start of their output sections, so one run touches
far fewer blocks. Symbols that a build lacks are ignored, so the file never breaks a link; a stale
file only makes the layout less tight.

How: each tool runs a few typical command lines under valgrind's lackey tool, which reports every
instruction fetch and data access; the script maps the addresses to symbols in first-touch order.
Two corrections:
  * the local functions of libswiftCore's Swift.o all live in one 1.6 MB .text section that no
    linker can split, so listing them would drag that whole section into the middle of the hot
    code; they are left out and the section keeps its place after the ordered code;
  * glibc picks string functions (memmove, strlen, ...) for the CPU at run time, and valgrind's
    virtual CPU is not the real one, so every variant of each family that a run used is listed.

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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE_DIR = os.path.join(ROOT, ".build", "release")
ORDER_FILE = os.path.join(ROOT, "link", "startup.order")

# What each tool does on a typical day; the first runs weigh most, since first touches come first.
COMMANDS = {
    "swunshare": [
        ["--uts", "--ipc", "true"],
        ["--fork", "--pid", "--mount-proc", "true"],
        ["--map-root-user", "true"],
        ["--mount", "--propagation", "private", "true"],
        ["--net", "--hostname", "order", "true"],
    ],
}

IFUNC_VARIANT = re.compile(r"^(__[a-z0-9]+)_(sse2|ssse3|sse4_1|sse4_2|avx|avx2|evex|avx512|erms|unaligned)")


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
    """Local symbols of the one big .text section in the toolchain's libswiftCore.a (Swift.o)."""
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
            if len(fields) >= 8 and fields[4] == "LOCAL" and fields[6] == text_index}


def main():
    if os.geteuid() != 0:
        sys.exit("generate.py: run as root: the commands create namespaces")
    if shutil.which("valgrind") is None:
        sys.exit("generate.py: valgrind is needed (apt-get install valgrind)")
    excluded = unsplittable_swift_locals()
    order, seen = [], set()

    def add(name):
        if name not in seen and name not in excluded:
            seen.add(name)
            order.append(name)

    data_order = []
    for tool, runs in COMMANDS.items():
        binary = os.path.join(RELEASE_DIR, tool)
        if not os.path.exists(binary):
            sys.exit(f"generate.py: {binary} is missing; run make build first")
        table = symbols(binary)
        names = [entry[2] for entry in table]
        for args in runs:
            text, data = touched(binary, args, table)
            for name in text:
                add(name)
                family = IFUNC_VARIANT.match(name)
                if family:
                    for other in names:
                        if other.startswith(family.group(1) + "_"):
                            add(other)
            data_order.extend(data)
    for name in data_order:
        add(name)
    with open(ORDER_FILE, "w") as out:
        out.write("\n".join(order) + "\n")
    print(f"wrote {len(order)} symbols to {os.path.relpath(ORDER_FILE, ROOT)}")


if __name__ == "__main__":
    main()
