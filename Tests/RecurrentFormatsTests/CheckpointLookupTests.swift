import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

/// Throwing look-ups into a checkpoint: a wrong key never traps, and the error shows what is there.
@Suite("Checkpoint look-ups")
struct CheckpointLookupTests {
    let checkpoint: CheckpointValue

    init() throws {
        checkpoint = try TorchCheckpoint.read(contentsOf: checkpointDirectory.appendingPathComponent("training_checkpoint.pt"))
    }

    static let topLevel = "'epoch' (7), 'model' (dict of 12 tensors), 'optimizer' (dict of 2 entries, 24 tensors), "
        + "'loss' (0.25), 'history' ([1.0, 0.5]), 'note' ('trained'), 'flags' ((True, None))"

    @Test("a missing key throws, listing the keys at that level with their values in brief")
    func missingKey() {
        #expect(throws: CheckpointLookupError(
            "no key 'state_dict'; the keys are \(Self.topLevel)",
            availableKeys: ["epoch", "model", "optimizer", "loss", "history", "note", "flags"])
        ) {
            try checkpoint.stateDict(forKey: "state_dict")
        }
        do {
            _ = try checkpoint.value(atPath: "optimizer/params")
            Issue.record("found optimizer/params")
        } catch {
            #expect(error.message == "no key 'params' in 'optimizer'; the keys there are 'state' (dict of 8 entries, 24 tensors), 'param_groups' (list of 1 item)")
            #expect((error as any Error).localizedDescription == error.message)
        }
    }

    @Test("the state dict under a key, and the whole file as one when it is")
    func stateDicts() throws {
        let model = try checkpoint.stateDict(forKey: "model")
        #expect(model.count == 12)
        #expect(model.keys.contains("encoder.rnn.weight_ih_l0"))
        #expect(throws: CheckpointLookupError(
            "the value holds no tensors at its top level; state dicts are under 'model'; the keys are \(Self.topLevel)",
            availableKeys: ["epoch", "model", "optimizer", "loss", "history", "note", "flags"])
        ) {
            try checkpoint.asStateDict()
        }
        #expect(throws: CheckpointLookupError("'note' is a str ('trained'), not a dictionary of tensors")) {
            try checkpoint.stateDict(forKey: "note")
        }
        let plain = try TorchCheckpoint.read(contentsOf: checkpointDirectory.appendingPathComponent("zip_state_dict.pt"))
        #expect(try plain.asStateDict().keys.first == "weight_ih_l0")
        #expect(plain.isStateDict && !checkpoint.isStateDict)
        do {
            _ = try plain.stateDict(forKey: "model")
            Issue.record("found 'model' in a state dict")
        } catch {
            #expect(error.message.hasPrefix("no key 'model'; the value is a state dict itself, with the keys 'weight_ih_l0' (float32 [4, 3]), "))
        }
    }

    @Test("paths of keys and indices, as inspect prints them")
    func paths() throws {
        #expect(try checkpoint.value(atPath: "optimizer/param_groups/0/lr") == .float(0.001))
        #expect(try checkpoint.value(atPath: "model/encoder.rnn.weight_ih_l0").typeName == "tensor")
        #expect(throws: CheckpointLookupError("'optimizer/param_groups' is a list of 1 item; '3' is not one of its indices")) {
            try checkpoint.value(atPath: "optimizer/param_groups/3")
        }
        #expect(throws: CheckpointLookupError("'loss' is a float (0.25), not a dictionary; it has no key 'x'")) {
            try checkpoint.value(atPath: "loss/x")
        }
        let slashed = CheckpointValue.dict([.init(key: .string("a/b"), value: .int(1)), .init(key: .string("a"), value: .int(2))])
        #expect(try slashed.value(atPath: "a/b") == .int(1))
    }

    @Test("leaves: tensors, plain values and lists of them whole; the state dicts with their paths")
    func leaves() {
        let leaves = checkpoint.leaves
        #expect(leaves.filter { $0.value.typeName == "tensor" }.map(\.path) == checkpoint.tensors.map(\.path))
        #expect(checkpoint.tensors.count == 36)
        let plain = leaves.filter { $0.value.typeName != "tensor" }
        #expect(plain.first { $0.path == "optimizer/param_groups/0/betas" }?.value == .tuple([.float(0.9), .float(0.999)]))
        #expect(plain.map(\.path).prefix(2) == ["epoch", "optimizer/param_groups/0/lr"])
        #expect(plain.map(\.path).suffix(4) == ["loss", "history", "note", "flags"])
        #expect(checkpoint.stateDicts.map(\.path) == ["model"] + (0..<8).map { "optimizer/state/\($0)" })
        #expect(checkpoint.stateDictKeys == ["model"])
    }

    @Test("values in brief")
    func summaries() {
        let vocabulary = CheckpointValue.list((0..<65).map { .string(String(UnicodeScalar(UInt8(32 + $0)))) })
        #expect(vocabulary.summary == "65 items: [' ', '!', '\"', '#', '$', '%', '&', ''', ...]")
        #expect(CheckpointValue.tuple([.float(0.9), .float(0.999)]).summary == "(0.9, 0.999)")
        #expect(CheckpointValue.tuple([.int(1)]).summary == "(1,)")
        #expect(CheckpointValue.string(String(repeating: "x", count: 50)).summary == "'" + String(repeating: "x", count: 40) + "...'")
        #expect(CheckpointValue.tensor(.int64([1, 2])).summary == "int64 [2]")
        #expect(CheckpointValue.dict([]).summary == "dict of 0 entries")
    }
}
