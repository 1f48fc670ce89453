import Foundation
import Recurrent
import RecurrentTestSupport
import Testing
@testable import PythonBridge

/// Whether the set-up's torch environment is there; the tests that need torch run only then.

@Suite("The embedded-Python bridge", TestEnvironment.needsTorch)
struct PythonBridgeTests {
    let python: Python

    init() throws {
        python = try Python.start()
    }

    @Test("torch imports, and its version and the interpreter's are known")
    func versions() throws {
        #expect(python.torchVersion.hasPrefix("2."))
        #expect(python.version.hasPrefix("3.11"))
    }

    static let tensors: [AnyTensor] = [
        .float32(try! Tensor(shape: [2, 3], scalars: [1, -2, 3.5, .infinity, -0.0, 1e-30])),
        .float64(try! Tensor(shape: [4], scalars: [.pi, -1e300, .leastNonzeroMagnitude, 0])),
        .float32(try! Tensor(shape: [], scalars: [42])),
        .float64(try! Tensor(shape: [3, 0, 2], scalars: [])),
        .float32(try! Tensor(shape: [2, 2, 2, 2], scalars: (0..<16).map(Float.init))),
        .int64([7, -1, 1 << 40]),
    ]

    @Test("tensors of both dtypes and several shapes survive a round trip bit for bit", arguments: tensors)
    func roundTrip(_ tensor: AnyTensor) throws {
        let object = try python.torchTensor(tensor)
        #expect(try python.anyTensor(object) == tensor)
        let described = try python.withGIL { () throws(PythonError) -> String in
            try object.attribute("dtype").string() + " " + object.attribute("shape").string()
        }
        #expect(described == "torch.\(tensor.dtype.rawValue) torch.Size(\(tensor.shape))")
    }

    @Test("a tensor computed by torch comes back with its dtype and shape")
    func computedTensor() throws {
        let result = try python.run("import torch\nresult = torch.arange(6, dtype=torch.float64).reshape(2, 3) * 0.5")
        #expect(try python.anyTensor(result) == .float64(try Tensor(shape: [2, 3], scalars: [0, 0.5, 1, 1.5, 2, 2.5])))
    }

    @Test("a Python exception becomes a Swift error with its type, message and traceback")
    func exception() {
        do {
            try python.run("def f():\n    raise ValueError('bad value 42')\nf()")
            Issue.record("no error was thrown")
        } catch {
            guard case .exception(let type, let message, let traceback) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(type == "ValueError")
            #expect(message == "bad value 42")
            #expect(traceback.contains("Traceback (most recent call last)"))
            #expect(traceback.contains("in f"))
        }
    }

    @Test("converting something that is not a tensor is an error, not a crash")
    func notATensor() throws {
        let notTensor = try python.run("result = [1, 2]")
        #expect(throws: PythonError.self) { try python.anyTensor(notTensor) }
    }

    @Test("the interpreter can be used from many threads at once")
    func threads() async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<8 {
                group.addTask {
                    let object = try python.run("result = \(i) * 3")
                    return try python.withGIL { () throws(PythonError) -> Int in try object.integer() }
                }
            }
            var sum = 0
            for try await value in group { sum += value }
            #expect(sum == 3 * (0..<8).reduce(0, +))
        }
    }
}

@Suite("The torch-missing error")
struct TorchMissingTests {
    @Test("an environment without torch gives an error naming the interpreter, the paths searched and the install command")
    func missingTorch() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-empty-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("lib/python3.11/site-packages"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        do {
            _ = try Python.start(environment: PythonEnvironment(path: empty.path))
            Issue.record("torch was found in an empty environment")
        } catch {
            guard case .torchUnavailable(let info) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(info.interpreter.contains("3.11"))
            #expect(info.searchedPaths.contains(empty.path + "/lib/python3.11/site-packages/torch"))
            #expect(info.installCommand.contains("pip install torch==2.15.0"))
            #expect(error.description.contains("install it with:"))
        }
    }
}
