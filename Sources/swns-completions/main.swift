import Glibc
import SwnsCore

/// swns-completions DIR: writes the bash, zsh and fish completion files of the three tools into
/// DIR (`swunshare.bash`, `_swunshare`, `swunshare.fish`, ...), generated from the option tables.
/// make runs it at build time; nothing runs it at a shell's start.
let arguments = CommandLine.arguments
guard arguments.count == 2, !arguments[1].hasPrefix("-") else {
    StandardStreams.err("usage: swns-completions DIR\n")
    Kernel.exit(1)
}
let folder = arguments[1]
for tool in ToolCompletion.all {
    let files = [
        ("\(tool.tool).bash", BashCompletion(tool).file),
        ("_\(tool.tool)", ZshCompletion(tool).file),
        ("\(tool.tool).fish", FishCompletion(tool).file),
    ]
    for (name, text) in files {
        do {
            let fd = try Kernel.open(folder + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, mode: 0o644)
            defer { Kernel.close(fd) }
            try Kernel.write(fd, CStrings.bytes(text))
        } catch {
            StandardStreams.err("swns-completions: cannot write \(folder)/\(name): \(SwnsError.describe(errno: error.errno))\n")
            Kernel.exit(1)
        }
    }
}
