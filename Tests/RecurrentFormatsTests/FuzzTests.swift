import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

/// Mutations of real files, through the one entry point that recognises and reads every format: each
/// must end in a ``FormatError`` or in a result that is whole (every tensor's bytes match its shape,
/// and it survives a round trip), each within a time bound. Byte flips test the framing; mutations
/// that know the structure (opcodes of the pickle inserted, repeated, deleted and swapped; the
/// `.npy` header's and the safetensors header's values replaced; ZIP directory fields set to extremes)
/// reach the code behind it.
@Suite("Fuzzing the readers with mutated real files")
struct FuzzTests {
    struct Input: Sendable, CustomTestStringConvertible {
        var file: String
        var testDescription: String { file }
    }

    static let inputs = [
        "zip_state_dict.pt", "legacy_state_dict.pt", "training_checkpoint.pt", "shared_storage.pt", "non_contiguous.pt",
        "safetensors_state_dict.safetensors", "packed_lengths.expected.safetensors", "state_dict.npz", "weight.npy",
    ].map(Input.init)

    static let mutationsPerFile = 1200
    /// The longest one mutation may take to read, in debug, with other tests running beside it.
    static let secondsPerMutation = 2.0
    /// Smaller than the default, so that a mutation that reads legitimately large data stays quick.
    static let limits = ReadLimits(minimumBytes: 8 << 20)

    /// A SplitMix64 stream: the same mutations on every run, a different stream for each file.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: String) {
            // FNV-1a of the name: a stable seed that differs for every file.
            state = seed.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The original bytes of an input: a shipped fixture, or an `.npz`/`.npy` made from one.
    static func original(_ file: String) throws -> Data {
        let stateDict = try #require(try TorchCheckpoint.read(contentsOf: checkpointDirectory.appendingPathComponent("zip_state_dict.pt")).stateDict)
        switch file {
        case "state_dict.npz":
            var writer = ZipWriter(alignment: 1)
            for (name, tensor) in stateDict { writer.add(name + ".npy", NumPyArray.encode(tensor)) }
            return writer.finished()
        case "weight.npy":
            return NumPyArray.encode(try #require(stateDict.first { $0.value.rank == 2 }?.value))
        default:
            return try Data(contentsOf: checkpointDirectory.appendingPathComponent(file))
        }
    }

    enum Outcome {
        case result(CheckpointFile)
        case refused(FormatError)
        /// Any other error: a reader that lets one through has not said what is wrong with the file.
        case failed(any Error)
    }

    @Test("1200 mutations of each real file (over 10,000 in all): an error or a whole result, each in bounded time", arguments: inputs)
    func mutations(_ input: Input) throws {
        let original = try Self.original(input.file)
        var generator = SplitMix(seed: input.file)
        var (refused, read) = (0, 0)
        var kinds: [String: Int] = [:]
        for index in 0..<Self.mutationsPerFile {
            // One to three mutations on top of each other, so that combinations (an empty shape and a far
            // offset) come up too.
            var (kind, mutated) = Mutator.mutate(original, name: input.file, using: &generator)
            for _ in 0..<(generator.next() % 3) {
                let (next, again) = Mutator.mutate(mutated, name: input.file, using: &generator)
                (kind, mutated) = (kind + "+" + next, again)
            }
            kinds[kind.prefix { $0 != "+" }.description, default: 0] += 1
            var outcome: Outcome?
            let elapsed = seconds {
                do {
                    outcome = .result(try CheckpointFile.read(mutated, name: input.file, limits: Self.limits))
                } catch let error as FormatError {
                    outcome = .refused(error)
                } catch {
                    outcome = .failed(error)
                }
            }
            #expect(elapsed < Self.secondsPerMutation, "mutation \(index) (\(kind)) took \(elapsed) s")
            switch outcome {
            case .result(let file):
                read += 1
                if let problem = Self.inconsistency(in: file) { Issue.record("mutation \(index) (\(kind)) read inconsistently: \(problem)") }
            case .refused(let error):
                refused += 1
                #expect(!error.message.isEmpty && !error.message.contains("\n"), "mutation \(index) (\(kind)): \(error.message)")
            case .failed(let error):
                Issue.record("mutation \(index) (\(kind)) ended in an error that is not a FormatError: \(error)")
            case nil:
                Issue.record("mutation \(index) (\(kind)) ended without an outcome")
            }
        }
        #expect(refused + read == Self.mutationsPerFile)
        #expect(refused > 0, "mutations that are never refused suggest the reader checks nothing")
        #expect(read > 0, "mutations that are never read suggest the reader refuses everything")
        #expect(kinds.count >= 4, "the structure-aware mutations ran: \(kinds)")
    }

    /// What is wrong with a result, if anything: a tensor whose bytes do not match its shape, or that
    /// does not survive being written and read again.
    static func inconsistency(in file: CheckpointFile) -> String? {
        let tensors = file.value.tensors
        for (path, tensor) in tensors {
            guard let count = try? StridedLayout.elementCount(of: tensor.shape, elementSize: tensor.dtype.byteCount),
                count * tensor.dtype.byteCount == tensor.littleEndianBytes.count
            else { return "tensor '\(path)' of shape \(tensor.shape) holds \(tensor.littleEndianBytes.count) bytes" }
        }
        let stateDict = StateDict(tensors.enumerated().map { ("t\($0.offset)", $0.element.tensor) })
        do {
            let again = try Safetensors.read(try Safetensors.encode(Safetensors.File(tensors: stateDict))).tensors
            for (name, tensor) in stateDict where again[name]?.littleEndianBytes != tensor.littleEndianBytes || again[name]?.shape != tensor.shape {
                return "tensor \(name) changed in a round trip"
            }
        } catch {
            return "the result could not be written and read again: \(error)"
        }
        return nil
    }
}

/// The mutations: byte-level ones for every file, structure-aware ones by format.
enum Mutator {
    static func mutate(_ data: Data, name: String, using generator: inout FuzzTests.SplitMix) -> (String, Data) {
        let choice = Int(generator.next() % 10)
        if choice < 4 { return bytes(data, using: &generator) }
        if name.hasSuffix(".pt") {
            if choice < 8, let mutated = pickle(data, using: &generator) { return ("pickle", mutated) }
            if let mutated = zipField(data, using: &generator) { return ("zip field", mutated) }
        }
        if name.hasSuffix(".safetensors"), let mutated = safetensorsHeader(data, using: &generator) { return ("json header", mutated) }
        if name.hasSuffix(".npy"), let mutated = npyHeader(data, using: &generator) { return ("npy header", mutated) }
        if name.hasSuffix(".npz") {
            if choice < 7, let mutated = npzMember(data, using: &generator) { return ("npz member header", mutated) }
            if let mutated = zipField(data, using: &generator) { return ("zip field", mutated) }
        }
        return bytes(data, using: &generator)
    }

    static func pick<T>(_ items: [T], _ generator: inout FuzzTests.SplitMix) -> T { items[Int(generator.next() % UInt64(items.count))] }

    // MARK: Bytes

    static func bytes(_ data: Data, using generator: inout FuzzTests.SplitMix) -> (String, Data) {
        var bytes = [UInt8](data)
        let kind = generator.next() % 5
        switch kind {
        case 0:
            for _ in 0..<(1 + Int(generator.next() % 8)) where !bytes.isEmpty {
                bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            }
        case 1:
            bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count + 1))))
        case 2:
            let at = Int(generator.next() % UInt64(bytes.count + 1))
            bytes.insert(contentsOf: (0..<(1 + Int(generator.next() % 16))).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: at)
        case 3:
            if bytes.count > 4 {
                let at = Int(generator.next() % UInt64(bytes.count - 4))
                let value: UInt32 = pick([0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000], &generator)
                withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(at..<(at + 4), with: $0) }
            }
        default:
            if !bytes.isEmpty {
                let at = Int(generator.next() % UInt64(bytes.count))
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(generator.next() % 32)))
            }
        }
        return (["flip", "truncate", "insert", "extreme", "delete"][Int(kind)], Data(bytes))
    }

    // MARK: Pickles

    /// Opcodes worth inserting: those that build, drop, call and refer.
    static let palette: [[UInt8]] = [
        [Op.mark], [Op.pop], [0x31], [Op.dup], [Op.stop], [Op.emptyList], [Op.append], [Op.appends], [Op.emptyDict], [Op.setItem],
        [Op.setItems], [Op.emptyTuple], [Op.tuple], [Op.tuple1], [Op.tuple2], [Op.reduce], [Op.build], [Op.newObj], [Op.persistentID],
        [Op.none], [Op.newTrue], [0x94], [0x8F], [0x90], [0x91], Op.get(0), Op.get(3), [0x6A, 0xFF, 0xFF, 0xFF, 0x7F], Op.put(0),
        [0x4A, 0xFF, 0xFF, 0xFF, 0x7F], [0x4A, 0, 0, 0, 0x80], [0x8A, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0x47, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0],
        Op.string("storage"), Op.global("os", "system"), Op.global("collections", "OrderedDict"), Op.global("builtins", "set"),
        Op.global("torch._utils", "_rebuild_tensor_v2"), Op.global("torch", "DoubleStorage"), Op.global("_codecs", "encode"),
    ]

    /// The byte ranges of a pickle's opcodes, with their arguments.
    static func opcodes(_ pickle: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var at = 0
        func length(_ width: Int) -> Int {
            guard at + 1 + width <= pickle.count else { return pickle.count - at - 1 }
            return pickle[(at + 1)..<(at + 1 + width)].reversed().reduce(0) { $0 << 8 | Int($1) }
        }
        while at < pickle.count {
            let size: Int
            switch pickle[at] {
            case 0x4B, 0x68, 0x71, 0x80: size = 2
            case 0x4D: size = 3
            case 0x4A, 0x6A, 0x72: size = 5
            case 0x47, 0x95: size = 9
            case 0x55, 0x8C, 0x43, 0x8A: size = 2 + length(1)
            case 0x58, 0x54, 0x42, 0x8B: size = 5 + length(4)
            case 0x8D, 0x8E: size = 9 + min(length(8), pickle.count)
            case 0x63:
                let lines = pickle[at...].indices.filter { pickle[$0] == 0x0A }.prefix(2)
                size = (lines.last.map { $0 + 1 } ?? pickle.count) - at
            default: size = 1
            }
            let end = min(pickle.count, at + max(size, 1))
            ranges.append(at..<end)
            at = end
        }
        return ranges
    }

    static func mutatePickle(_ pickle: [UInt8], using generator: inout FuzzTests.SplitMix) -> [UInt8] {
        var units = opcodes(pickle).map { Array(pickle[$0]) }
        guard !units.isEmpty else { return pickle }
        let at = Int(generator.next() % UInt64(units.count))
        switch generator.next() % 6 {
        case 0: units.insert(pick(palette, &generator), at: at)
        case 1: units.insert(contentsOf: Array(repeating: units[at], count: 1 + Int(generator.next() % 2000)), at: at)
        case 2: units.remove(at: at)
        case 3: units.swapAt(at, Int(generator.next() % UInt64(units.count)))
        case 4:
            // An integer argument set to an extreme.
            if let int = units.indices.filter({ [0x4A, 0x4B, 0x4D].contains(units[$0][0]) }).randomElement(using: &generator) {
                units[int] = pick([[0x4A, 0xFF, 0xFF, 0xFF, 0x7F], [0x4A, 0xFF, 0xFF, 0xFF, 0xFF], [0x4B, 0], [0x8A, 8, 0, 0, 0, 0, 0, 0, 0, 0x40]], &generator)
            }
        default:
            // A run of opcodes repeated.
            let end = min(units.count, at + 1 + Int(generator.next() % 40))
            units.insert(contentsOf: units[at..<end], at: end)
        }
        return units.flatMap { $0 }
    }

    /// The ZIP's `data.pkl` or the legacy file's fourth pickle (the object), mutated; the rest rebuilt
    /// around it, so the mutation reaches the unpickler.
    static func pickle(_ data: Data, using generator: inout FuzzTests.SplitMix) -> Data? {
        if ZipArchive.looksLikeZip(data) {
            guard let archive = try? ZipArchive(data, context: "fuzz") else { return nil }
            var writer = ZipWriter()
            for entry in archive.entries {
                guard let contents = try? archive.contents(of: entry, context: "fuzz") else { return nil }
                writer.add(entry.name, entry.name.hasSuffix("data.pkl") ? Data(mutatePickle([UInt8](contents), using: &generator)) : contents)
            }
            return writer.finished()
        }
        // Legacy: the pickles end at their STOP opcodes; the fourth is the object.
        let bytes = [UInt8](data)
        var ends: [Int] = []
        var at = 0
        for range in opcodes(bytes) where ends.count < 4 {
            at = range.upperBound
            if bytes[range.lowerBound] == Op.stop { ends.append(at) }
        }
        guard ends.count == 4 else { return nil }
        return Data(bytes[..<ends[2]] + mutatePickle(Array(bytes[ends[2]..<ends[3]]), using: &generator) + bytes[ends[3]...])
    }

    // MARK: Headers

    static let numbers = ["0", "-1", "1", "4294967296", "9223372036854775807", "99999999999999999999", "1.5", "1e3", "-0"]

    /// `text` with one number replaced, a piece duplicated, nesting inserted or a character deleted.
    static func mutateText(_ text: String, words: [String], using generator: inout FuzzTests.SplitMix) -> String {
        var scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return text }
        let at = Int(generator.next() % UInt64(scalars.count))
        switch generator.next() % 6 {
        case 0:
            if let start = scalars.indices.filter({ ("0"..."9").contains(scalars[$0]) }).randomElement(using: &generator) {
                var end = start
                while end < scalars.count, ("0"..."9").contains(scalars[end]) { end += 1 }
                scalars.replaceSubrange(start..<end, with: pick(numbers, &generator).unicodeScalars)
            }
        case 1:
            let end = min(scalars.count, at + 1 + Int(generator.next() % 80))
            scalars.insert(contentsOf: scalars[at..<end], at: end)
        case 2: scalars.insert(contentsOf: pick(["((((", "[[[[", "{{", ",", "'", "\"", "\\", "\u{0}"], &generator).unicodeScalars, at: at)
        case 3: scalars.remove(at: at)
        default:
            let word = pick(words, &generator)
            if let range = String(String.UnicodeScalarView(scalars)).range(of: pick(words, &generator)) {
                var replaced = String(String.UnicodeScalarView(scalars))
                replaced.replaceSubrange(range, with: word)
                return replaced
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    static func safetensorsHeader(_ slice: Data, using generator: inout FuzzTests.SplitMix) -> Data? {
        let data = Data(slice)
        guard data.count >= 8 else { return nil }
        guard let length = Int(exactly: data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }),
            length <= data.count - 8, let header = String(data: data[8..<(8 + length)], encoding: .utf8) else { return nil }
        let mutated = mutateText(header, words: ["F32", "F64", "I64", "BOOL", "F16", "BF16", "U8", "C64", "__metadata__", "data_offsets", "shape", "dtype"], using: &generator)
        return safetensorsFile(header: mutated, data: [UInt8](data[(8 + length)...]))
    }

    static func npyHeader(_ slice: Data, using generator: inout FuzzTests.SplitMix) -> Data? {
        let data = Data(slice)
        guard data.count > 10 else { return nil }
        let length = Int(data[8]) | Int(data[9]) << 8
        guard 10 + length <= data.count, let header = String(data: data[10..<(10 + length)], encoding: .utf8) else { return nil }
        let mutated = mutateText(
            header.trimmingCharacters(in: .whitespacesAndNewlines),
            words: ["<f4", "<f8", "<i8", "|b1", ">f4", "|O", "True", "False", "descr", "shape", "fortran_order", "None"], using: &generator)
        return npyFile(header: mutated, data: data[(10 + length)...], version: [1, 0])
    }

    /// One member of an `.npz` with its `.npy` header mutated.
    static func npzMember(_ data: Data, using generator: inout FuzzTests.SplitMix) -> Data? {
        guard let archive = try? ZipArchive(data, context: "fuzz"), !archive.entries.isEmpty else { return nil }
        let target = Int(generator.next() % UInt64(archive.entries.count))
        var writer = ZipWriter(alignment: 1)
        for (index, entry) in archive.entries.enumerated() {
            guard let contents = try? archive.contents(of: entry, context: "fuzz") else { return nil }
            writer.add(entry.name, index == target ? (npyHeader(contents, using: &generator) ?? contents) : contents)
        }
        return writer.finished()
    }

    /// A field of a central directory entry (sizes, offset, name length) or of the end record set to
    /// an extreme.
    static func zipField(_ data: Data, using generator: inout FuzzTests.SplitMix) -> Data? {
        var bytes = [UInt8](data)
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        let entries = bytes.indices.dropLast(4).filter { bytes[$0..<($0 + 4)].elementsEqual(signature) }
        guard let entry = entries.randomElement(using: &generator) else { return nil }
        let (offset, width) = pick([(20, 4), (24, 4), (42, 4), (28, 2), (30, 2), (10, 2)], &generator)
        let value: UInt64 = pick([0, 1, 0xFFFF, 0xFFFF_FFFF, 0x7FFF_FFFF, UInt64(bytes.count)], &generator)
        guard entry + offset + width <= bytes.count else { return nil }
        for byte in 0..<width { bytes[entry + offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
        return Data(bytes)
    }
}
