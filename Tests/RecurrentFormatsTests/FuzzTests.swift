import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

/// Mutations of the real fixture files must give an error or a result: never a crash or a hang.
@Suite("Fuzzing the readers with mutated real files")
struct FuzzTests {
    struct Input: Sendable, CustomTestStringConvertible {
        var file: String
        var testDescription: String { file }
    }

    static let inputs = [
        "zip_state_dict.pt", "legacy_state_dict.pt", "training_checkpoint.pt", "shared_storage.pt",
        "safetensors_state_dict.safetensors", "packed_lengths.expected.safetensors",
    ].map(Input.init)

    /// A SplitMix64 stream: the same mutations on every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ data: Data, using generator: inout SplitMix) -> Data {
        var bytes = [UInt8](data)
        switch generator.next() % 5 {
        case 0:  // flip bytes
            for _ in 0..<(1 + Int(generator.next() % 8)) where !bytes.isEmpty {
                bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            }
        case 1:  // truncate
            bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count + 1))))
        case 2:  // insert garbage
            let at = Int(generator.next() % UInt64(bytes.count + 1))
            bytes.insert(contentsOf: (0..<(1 + Int(generator.next() % 16))).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: at)
        case 3:  // set a 4-byte field to an extreme
            if bytes.count > 4 {
                let at = Int(generator.next() % UInt64(bytes.count - 4))
                let value: UInt32 = [0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000][Int(generator.next() % 4)]
                withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
            }
        default:  // delete a range
            if !bytes.isEmpty {
                let at = Int(generator.next() % UInt64(bytes.count))
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(generator.next() % 32)))
            }
        }
        return Data(bytes)
    }

    @Test("500 mutations of each real file: an error or a result, never a crash", arguments: inputs)
    func mutations(_ input: Input) throws {
        let original = try Data(contentsOf: checkpointDirectory.appendingPathComponent(input.file))
        var generator = SplitMix(state: 0x5EED ^ UInt64(input.file.count))
        var (errors, results) = (0, 0)
        for _ in 0..<500 {
            let mutated = Self.mutate(original, using: &generator)
            do {
                if input.file.hasSuffix(".pt") {
                    _ = try TorchCheckpoint.read(mutated)
                } else {
                    _ = try Safetensors.read(mutated)
                }
                results += 1
            } catch {
                errors += 1
            }
            // The same bytes through the other readers, which must refuse them cleanly.
            _ = try? NumPyArray.read(mutated)
            _ = try? NumPyArray.readArchive(mutated)
        }
        #expect(errors + results == 500)
        #expect(errors > 0, "mutations that are never refused suggest the reader checks nothing")
    }
}
