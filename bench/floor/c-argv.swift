// The floor of a static Swift binary that unshares and execs, with argv taken from C:
// no Swift array or string is made before exec. See bench/README.md.
import Glibc

@_silgen_name("unshare") func unshareNamespaces(_ flags: Int32) -> Int32

let argv = CommandLine.unsafeArgv
if unshareNamespaces(0x0400_0000 | 0x0800_0000) != 0 { exit(1) }  // CLONE_NEWUTS | CLONE_NEWIPC
execvp(argv[1]!, argv + 1)
exit(127)
