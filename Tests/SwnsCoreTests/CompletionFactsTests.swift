import SwnsCore
import Testing

/// The completion facts beside each option table agree with the table: the completion files are
/// generated from both.
@Suite struct CompletionFactsTests {
    func check<Tag: CompletableOptions>(_ type: Tag.Type) {
        let longs = Set(Tag.table.map(\.long))
        for spec in Tag.table {
            let takesValue = spec.argument != .none || spec.shortArgument != .none
            #expect((spec.tag.valueCompletion != nil) == takesValue,
                    "--\(spec.long): a completion for its value exactly when it takes one")
            if case .socket(let option) = spec.tag.valueCompletion {
                #expect(longs.contains(option), "--\(spec.long) reads the process of --\(option), which is no option")
            }
            #expect(!(spec.tag.actsAlone && spec.tag.repeats), "--\(spec.long) acts alone, so it does not repeat")
        }
        for (first, second) in Tag.exclusive {
            #expect(first != second)
        }
        if case .namespace(let option) = Tag.operands {
            #expect(Tag.table.contains { $0.tag == option })
        }
    }

    @Test func swunshare() { check(UnshareOption.self) }
    @Test func swnsenter() { check(NsenterOption.self) }
    @Test func swlsns() { check(LsnsOption.self) }

    @Test func lsnsTypesAreTheKindTable() {
        guard case .choices(let choices) = LsnsOption.type.valueCompletion else {
            Issue.record("swlsns --type completes to \(String(describing: LsnsOption.type.valueCompletion))")
            return
        }
        #expect(choices.map(\.word) == NamespaceKind.typeHelpOrder.map(\.name))
    }
}
