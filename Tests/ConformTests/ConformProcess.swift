import Foundation

/// The `conform` executable the tests run, as a user runs it: its output redirected to files, as in a
/// CI log.
struct ConformProcess {
    /// What a run left.
    struct Outcome {
        /// The exit status.
        var status: Int32
        /// Standard output.
        var output: String
        /// Standard error.
        var error: String
    }

    /// The `conform` built beside the test bundle.
    static var executable: URL {
        let products = Bundle.main.executableURL?.deletingLastPathComponent() ?? URL(fileURLWithPath: ".build/debug")
        return products.appendingPathComponent("conform")
    }

    /// Runs `executable` with `arguments` in `directory`, waiting at most `timeout` seconds.
    static func run(_ arguments: [String], in directory: URL, executable: URL = executable, timeout: Double = 600) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let outputFile = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errorFile = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        try Data().write(to: outputFile)
        try Data().write(to: errorFile)
        defer {
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return Outcome(
            status: process.terminationStatus, output: try String(contentsOf: outputFile, encoding: .utf8),
            error: try String(contentsOf: errorFile, encoding: .utf8))
    }

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conform-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
