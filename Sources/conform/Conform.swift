import ArgumentParser

/// `conform`: checks Recurrent against PyTorch, and works with checkpoints from the command line.
@main
struct Conform: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Checks Recurrent against PyTorch: golden fixtures, live against an embedded PyTorch, and speed.",
        discussion: """
            With no subcommand, runs the fixtures ('conform fixtures'); 'conform --live ...' is \
            'conform live ...'.
            """,
        subcommands: [
            FixturesCommand.self, LiveCommand.self, BenchCommand.self, MergeCommand.self, InspectCommand.self,
            ConvertCommand.self, ForwardCommand.self,
        ],
        defaultSubcommand: FixturesCommand.self)

    /// Parses the command line after turning the documented spelling `conform --live ...` into
    /// `conform live ...`.
    static func main() {
        main(LegacyArguments.rewritten(Array(CommandLine.arguments.dropFirst())))
    }
}

/// The spellings `conform` had before it had subcommands, which the README and users' scripts use.
enum LegacyArguments {
    /// `arguments` with a leading `--live` flag (before any subcommand) turned into the `live`
    /// subcommand.
    static func rewritten(_ arguments: [String]) -> [String] {
        let subcommands = Set(Conform.configuration.subcommands.compactMap { $0.configuration.commandName })
        if let first = arguments.first, subcommands.contains(first) { return arguments }
        guard let index = arguments.firstIndex(of: "--live") else { return arguments }
        var rest = arguments
        rest.remove(at: index)
        return [LiveCommand.configuration.commandName ?? "live"] + rest
    }
}
