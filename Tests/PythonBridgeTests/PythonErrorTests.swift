import Foundation
import PythonBridge
import Testing

@Suite("PythonError")
struct PythonErrorTests {
    @Test("localizedDescription is the description", arguments: [
        PythonError.conversion("a tuple is not a tensor"),
        .exception(type: "ValueError", message: "bad", traceback: ""),
    ])
    func localizedDescription(_ error: PythonError) {
        #expect((error as any Error).localizedDescription == error.description)
        #expect(!error.description.contains("The operation could not be completed"))
    }
}
