// The same program reading its arguments the usual Swift way (CommandLine.arguments, an array of
// strings, and an array of C strings for exec). See bench/README.md.
import Glibc

@_silgen_name("unshare") func unshareNamespaces(_ flags: Int32) -> Int32

let arguments = CommandLine.arguments
if unshareNamespaces(0x0400_0000 | 0x0800_0000) != 0 { exit(1) }  // CLONE_NEWUTS | CLONE_NEWIPC
var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.dropFirst().map { strdup($0) } + [nil]
execvp(arguments[1], &cArguments)
exit(127)
