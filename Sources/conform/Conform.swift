import ArgumentParser
import Foundation

@main
struct Conform: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Checks Recurrent against PyTorch: golden fixtures, or live against an embedded PyTorch.",
        subcommands: [Check.self, Inspect.self, Convert.self, Forward.self, Bench.self],
        defaultSubcommand: Check.self)
}
