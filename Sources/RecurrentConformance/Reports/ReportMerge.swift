/// Joins the JSON reports of a sharded run (`conform merge`) into the report of the whole run.
///
/// Reports join only when they are the shards of one run: the same mode, seed, torch version and set
/// of cases (``Report/ContextKey/caseSet``), every shard `1/N` to `N/N` exactly once, each holding
/// all of its cases and no case twice. The cases come out in shard order, which is the unsharded
/// run's order (``Shard``).
///
/// ```swift
/// let whole = try ReportMerge.merge([("a.json", a), ("b.json", b)])
/// print(Report.summaryLine(whole.cases))
/// ```
public enum ReportMerge {
    /// Why reports do not merge; ``description`` names the files and what differs.
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        /// The message.
        public var description: String
    }

    /// The report of the whole run whose shards `reports` are, each with the name to call it by (its
    /// file).
    ///
    /// - Throws: ``Refusal`` when the reports are not exactly the shards of one run.
    public static func merge(_ reports: [(name: String, document: Report.Document)]) throws(Refusal) -> Report.Document {
        guard let first = reports.first else { throw Refusal(description: "no reports to merge") }
        for report in reports where report.document[.caseSet] == nil || report.document[.total] == nil {
            throw Refusal(
                description: "\(report.name) does not say which set of cases it holds: it was not written by "
                    + "'conform fixtures --json' or 'conform live --json' of this version")
        }
        try requireSame(.mode, "mode", reports) { "\($0) is a \($1 ?? "?") run" }
        try requireSame(.seed, "seed", reports) { name, seed in "\(name) was drawn with seed \(seed ?? "(none)")" }
        try requireSame(.torch, "torch", reports) { name, torch in "\(name) ran against torch \(torch ?? "(unknown)")" }
        try requireSame(.caseSet, "case set", reports) { name, set in "\(name) holds cases of \(set ?? "?")" }

        var shards: [(shard: Shard, name: String, document: Report.Document)] = []
        for report in reports {
            let text = report.document[.shard] ?? Shard.whole.description
            guard let shard = Shard(text) else { throw Refusal(description: "\(report.name): '\(text)' is not a shard K/N") }
            shards.append((shard, report.name, report.document))
        }
        let count = shards[0].shard.count
        if let other = shards.first(where: { $0.shard.count != count }) {
            throw Refusal(
                description: "\(shards[0].name) is shard \(shards[0].shard) and \(other.name) shard \(other.shard): "
                    + "the shards of one run share N")
        }
        shards.sort { $0.shard.index < $1.shard.index }
        for (a, b) in zip(shards, shards.dropFirst()) where a.shard == b.shard {
            throw Refusal(description: "\(a.name) and \(b.name) are both shard \(a.shard): pass each shard's report once")
        }
        let present = Set(shards.map(\.shard.index))
        let missing = (1...count).filter { !present.contains($0) }
        if !missing.isEmpty {
            throw Refusal(
                description: "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) "
                    + "missing: a merge needs every shard's report (given: \(shards.map(\.shard.description).joined(separator: ", ")))")
        }
        let total = Int(first.document[.total] ?? "") ?? -1
        var owner: [String: String] = [:]
        for (shard, name, document) in shards {
            let expected = shard.range(in: total).count
            if document.cases.count != expected {
                throw Refusal(
                    description: "\(name) holds \(document.cases.count) cases, but shard \(shard) of \(total) cases has \(expected): "
                        + "was its run cut short?")
            }
            for result in document.cases {
                if let other = owner.updateValue(name, forKey: result.name) {
                    throw Refusal(description: "case \(result.name) is in both \(other) and \(name)")
                }
            }
        }
        return Report.Document(cases: shards.flatMap(\.document.cases), context: mergedContext(shards.map(\.document), count))
    }

    /// Refuses unless every report has the same `key`.
    private static func requireSame(
        _ key: Report.ContextKey, _ what: String, _ reports: [(name: String, document: Report.Document)],
        _ describe: (String, String?) -> String
    ) throws(Refusal) {
        let first = reports[0]
        guard let other = reports.first(where: { $0.document[key] != first.document[key] }) else { return }
        throw Refusal(
            description: "\(describe(first.name, first.document[key])), \(describe(other.name, other.document[key])): "
                + "only the shards of one run merge (one \(what))")
    }

    /// The shards' context: what they share as it is, what differs (the machines, the commands) as
    /// the distinct values, the earliest start, and the number of shards in place of one shard.
    private static func mergedContext(_ documents: [Report.Document], _ count: Int) -> [String: String] {
        var context: [String: String] = [:]
        for key in Set(documents.flatMap(\.context.keys)) {
            let values = documents.compactMap { $0.context[key] }
            switch key {
            case Report.ContextKey.started.rawValue: context[key] = values.min()
            case Report.ContextKey.shard.rawValue: continue
            default:
                var distinct: [String] = []
                for value in values where !distinct.contains(value) { distinct.append(value) }
                context[key] = distinct.joined(separator: "; ")
            }
        }
        context[Report.ContextKey.shards.rawValue] = String(count)
        return context
    }
}
