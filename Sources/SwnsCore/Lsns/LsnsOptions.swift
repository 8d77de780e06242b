/// swlsns's options: one table for getopt, --help, and the documentation checks.
public enum LsnsOption: OptionTable {
    case json, list, noHeadings, output, outputAll, task, persistent, raw, type, noTruncate, noWrap, tree
    case filter, listColumns, help, version
    case watch, watchEventsOnly, watchSource

    /// In the order of util-linux 2.42's usage().
    public static let table: [OptionSpec<LsnsOption>] = [
        OptionSpec(.json, long: "json", short: "J", help: "use JSON output format", exclusive: 1),
        OptionSpec(.list, long: "list", short: "l", help: "use list format output", exclusive: 3),
        OptionSpec(.noHeadings, long: "noheadings", short: "n", help: "don't print headings"),
        OptionSpec(.output, long: "output", short: "o", argument: .required, value: "<list>",
                   help: "define which output columns to use"),
        OptionSpec(.outputAll, long: "output-all", help: "output all columns"),
        OptionSpec(.persistent, long: "persistent", short: "P", help: "namespaces without processes", exclusive: 2),
        OptionSpec(.task, long: "task", short: "p", argument: .required, value: "<pid>",
                   help: "print process namespaces", exclusive: 2),
        OptionSpec(.filter, long: "filter", short: "Q", argument: .required, value: "<expr>",
                   help: "apply display filter"),
        OptionSpec(.raw, long: "raw", short: "r", help: "use the raw output format", exclusive: 1),
        OptionSpec(.noTruncate, long: "notruncate", short: "u", help: "don't truncate text in columns"),
        OptionSpec(.noWrap, long: "nowrap", short: "W", help: "don't use multi-line representation"),
        OptionSpec(.type, long: "type", short: "t", argument: .required, value: "<name>",
                   help: "namespace type (" + NamespaceKind.typeHelpOrder.map(\.name).joined(separator: ", ") + ")"),
        OptionSpec(.tree, long: "tree", short: "T", argument: .optional, value: "<rel>",
                   help: "use tree format (parent, owner, or process)", exclusive: 3),
        OptionSpec(.watch, long: "watch", argument: .optional, value: "<time>",
                   help: "list, then print each change (+ new, - gone, ~ changed)\n  every <time>, 1s by default"),
        OptionSpec(.watchEventsOnly, long: "watch-events-only", help: "with --watch, print the changes only"),
        OptionSpec(.watchSource, long: "watch-source", argument: .required, value: "<source>",
                   help: "poll, or events too (the default where allowed)"),
        OptionSpec(.listColumns, long: "list-columns", short: "H", help: "list the available columns", group: 1),
        OptionSpec(.help, long: "help", short: "h", help: "display this help", group: 1),
        OptionSpec(.version, long: "version", short: "V", help: "display version", group: 1),
    ]

    public static let parser = CommandLineParser(options: table, stopAtFirstOperand: false)

    /// As util-linux 2.42: the columns are listed by --list-columns, not here.
    public static let helpLayout = HelpText(tool: "swlsns", usage: "[options] [<namespace>]", summary: "List system namespaces.",
                                            manPage: "swlsns(8)", column: 24, wideOnOwnLine: true, alignLongOnly: true)
}
