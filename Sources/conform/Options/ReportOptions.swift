import ArgumentParser
import Foundation
import Recurrent
import RecurrentConformance

/// `--json FILE`, `--html FILE`, `--junit FILE`: the reports a conformance run writes.
struct ReportOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the results as JSON to this file (what 'conform merge' joins).", valueName: "file"))
    var json: String?

    @Option(
        help: ArgumentHelp(
            "Also write a self-contained HTML report (matrix, histogram, failures first) to this file.", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Also write the results as JUnit XML, for CI, to this file.", valueName: "file"))
    var junit: String?

    /// Writes each report asked for.
    func write(_ document: Report.Document) throws {
        if let json {
            try writeFile(URL(fileURLWithPath: json)) { try document.json().write(to: $0) }
        }
        if let html {
            try writeFile(URL(fileURLWithPath: html)) { try Data(HTMLReport.page(document).utf8).write(to: $0) }
        }
        if let junit {
            try writeFile(URL(fileURLWithPath: junit)) { try Data(JUnitReport.xml(document).utf8).write(to: $0) }
        }
    }
}

/// `--shard K/N`.
struct ShardOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Run only the K-th of N disjoint, equal parts of the cases (1 <= K <= N), for a CI matrix; 'conform merge' joins the parts' --json reports.",
            valueName: "K/N"))
    var shard: Shard?
}

extension Shard: ExpressibleByArgument {
    /// Parses `K/N`.
    public init?(argument: String) {
        self.init(argument)
    }
}

/// What every report says about where and when it ran.
enum RunContext {
    /// The context of a run: `fields` (those with a value) with the ``machine()``'s.
    static func context(_ fields: [Report.ContextKey: String?]) -> [String: String] {
        var context = machine()
        for case (let key, let value?) in fields { context[key.rawValue] = value }
        return context
    }

    /// The host, system, CPU, BLAS, start time (UTC) and command line of this process.
    static func machine() -> [String: String] {
        let info = ProcessInfo.processInfo
        var context: [Report.ContextKey: String] = [
            .host: info.hostName,
            .os: operatingSystem,
            .cpu: "\(cpuModel) (\(info.activeProcessorCount) cores)",
            .blas: "\(BLASThreads.library), kernel \(BLASThreads.kernel), \(BLASThreads.count) threads",
            .command: CommandLine.arguments.map(shellQuoted).joined(separator: " "),
        ]
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        context[.started] = formatter.string(from: Date())
        return Dictionary(uniqueKeysWithValues: context.map { ($0.rawValue, $1) })
    }

    /// The system's name (`/etc/os-release`) and kernel.
    private static var operatingSystem: String {
        let release = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let name = release.split(separator: "\n").first { $0.hasPrefix("PRETTY_NAME=") }
            .map { $0.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        var system = utsname()
        let kernel = uname(&system) == 0
            ? withUnsafeBytes(of: system.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } + " "
                + withUnsafeBytes(of: system.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            : nil
        return [name, kernel].compactMap { $0 }.joined(separator: ", ")
    }

    /// The CPU's model name (`/proc/cpuinfo`).
    private static var cpuModel: String {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    }
}

/// `word` as a POSIX shell reads it back: as is when it holds only safe characters, else in single
/// quotes.
func shellQuoted(_ word: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
    if !word.isEmpty && word.unicodeScalars.allSatisfy(safe.contains) { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
