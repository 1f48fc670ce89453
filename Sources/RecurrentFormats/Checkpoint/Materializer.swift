import Foundation
import Recurrent

/// Turns the unpickler's objects into ``CheckpointValue``s, loading each storage once and building
/// each distinct view once.
///
/// Each value and each appearance of a tensor (its bytes and the bytes of its path, as
/// ``CheckpointValue/tensors`` spells it) is charged to the file's ``ReadBudget`` before anything is
/// allocated for it: a view shared a million times, or one stored element broadcast to billions,
/// is refused when it is met, not after it has been copied.
struct Materializer {
    private enum Storage {
        case float32([Float])
        case float64([Double])
        case raw(DType, [UInt8])
    }

    /// What one value is charged, about what a ``CheckpointValue`` node takes.
    private static let valueCost = 64

    private let payload: Payload
    private let records: [String: Range<Int>]
    private let context: String
    private let budget: ReadBudget
    private var storages: [String: Storage] = [:]
    private var views: [Unpickler.TensorReference: AnyTensor] = [:]
    private var produced = 0
    /// The path of the value being built, for messages, and its length as `tensors` spells it.
    private var path: [String] = []
    private var pathLength = 0

    init(payload: Payload, records: [String: Range<Int>], context: String, budget: ReadBudget) {
        self.payload = payload
        self.records = records
        self.context = context
        self.budget = budget
    }

    mutating func value(_ object: Unpickler.Object, depth: Int = 0) throws(FormatError) -> CheckpointValue {
        guard depth < Unpickler.maximumDepth else {
            throw FormatError("\(context): containers nest deeper than \(Unpickler.maximumDepth) levels (or refer to themselves)")
        }
        produced += 1
        guard produced <= Unpickler.maximumValues else {
            throw FormatError("\(context): the pickle expands to more than \(Unpickler.maximumValues) values")
        }
        try budget.charge(Self.valueCost, for: "the value at '\(pathDescription)'")
        switch object {
        case .none: return .none
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .bigInt(let bytes): return .bigInt(bytes)
        case .float(let value): return .float(value)
        case .string(let value): return .string(value)
        case .bytes(let value): return .bytes(value)
        case .list(let box), .set(let box):
            return .list(try items(box.items, depth: depth))
        case .tuple(let box):
            return .tuple(try items(box.items, depth: depth))
        case .dict(let box):
            var entries: [CheckpointValue.Entry] = []
            // Keys Python keeps apart but Swift's String equality would merge (canonically equivalent
            // spellings) would become one entry of a state dict: refused.
            var names = Set<String>()
            for entry in box.entries {
                let key = try value(entry.key, depth: depth + 1)
                if case .string(let name) = key, !names.insert(name).inserted {
                    throw FormatError(
                        "\(context): two keys of the dict at '\(pathDescription)' spell '\(name)' in different Unicode forms; "
                            + "they would merge")
                }
                let component = key.keyDescription
                path.append(component)
                pathLength += component.utf8.count + 1
                defer {
                    path.removeLast()
                    pathLength -= component.utf8.count + 1
                }
                entries.append(.init(key: key, value: try value(entry.value, depth: depth + 1)))
            }
            return .dict(entries)
        case .global(let module, let name):
            throw FormatError("\(context): the global \(module).\(name) stands where a value should be")
        case .storage(let storage):
            throw FormatError("\(context): storage \(storage.key) stands where a value should be")
        case .tensor(let reference):
            return .tensor(try tensor(reference))
        }
    }

    /// The path for a message: at most 200 characters of it.
    private var pathDescription: String {
        guard !path.isEmpty else { return "(root)" }
        let full = path.joined(separator: "/")
        return full.count <= 200 ? full : full.prefix(100) + "…(\(full.count) characters)…" + full.suffix(100)
    }

    private mutating func items(_ objects: [Unpickler.Object], depth: Int) throws(FormatError) -> [CheckpointValue] {
        var values: [CheckpointValue] = []
        for (index, object) in objects.enumerated() {
            let component = String(index)
            path.append(component)
            pathLength += component.utf8.count + 1
            defer {
                path.removeLast()
                pathLength -= component.utf8.count + 1
            }
            values.append(try value(object, depth: depth + 1))
        }
        return values
    }

    private mutating func tensor(_ reference: Unpickler.TensorReference) throws(FormatError) -> AnyTensor {
        let name = "tensor '\(pathDescription)' on storage \(reference.storage.key)"
        let width = reference.storage.dtype.byteCount
        let layout = StridedLayout(shape: reference.shape, strides: reference.strides, offset: reference.offset)
        let count: Int
        do {
            count = try layout.checkedCount(storageCount: reference.storage.count, elementSize: width)
        } catch {
            throw FormatError("\(context): \(name): \(error.message)")
        }
        try budget.countTensor()
        let broadcast = zip(reference.shape, reference.strides).contains { $0 > 1 && $1 == 0 }
        try budget.charge(
            count * width + pathLength,
            for: "\(name) (size \(reference.shape), stride \(reference.strides), \(count * width) bytes"
                + (broadcast ? "; a broadcast view, whose stride 0 repeats stored elements)" : ")"))
        if let built = views[reference] { return built }
        let storage = try load(reference.storage)
        let tensor: AnyTensor
        do {
            switch storage {
            case .float32(let values): tensor = .float32(try Tensor(shape: reference.shape, scalars: try layout.gathering(from: values)))
            case .float64(let values): tensor = .float64(try Tensor(shape: reference.shape, scalars: try layout.gathering(from: values)))
            case .raw(let dtype, let bytes):
                tensor = .raw(try RawTensor(dtype: dtype, shape: reference.shape, bytes: count == 0 ? [] : try gatheringBytes(layout, width, bytes)))
            }
        } catch {
            throw FormatError("\(context): \(name): \(error)")
        }
        views[reference] = tensor
        return tensor
    }

    /// A view of elements `width` bytes wide, read from `bytes`: the same view with one more, innermost
    /// dimension of `width` bytes. A dimension of size 1 never moves, so its stride (which may be
    /// anything) is dropped before it is scaled; the others reach inside the storage, so they scale
    /// without overflow.
    private func gatheringBytes(_ layout: StridedLayout, _ width: Int, _ bytes: [UInt8]) throws(TorchError) -> [UInt8] {
        let strides = zip(layout.shape, layout.strides).map { $0 == 1 ? 0 : $1 * width }
        return try StridedLayout(shape: layout.shape + [width], strides: strides + [1], offset: layout.offset * width).gathering(from: bytes)
    }

    private mutating func load(_ reference: Unpickler.StorageReference) throws(FormatError) -> Storage {
        if let storage = storages[reference.key] { return storage }
        guard let range = records[reference.key] else {
            throw FormatError("\(context): the record of storage \(reference.key) is missing")
        }
        let (bytes, overflow) = reference.count.multipliedReportingOverflow(by: reference.dtype.byteCount)
        guard !overflow, bytes == range.count else {
            throw FormatError(
                "\(context): storage \(reference.key) claims \(reference.count) \(reference.dtype.rawValue) elements, "
                    + "but its record holds \(range.count) bytes")
        }
        let storage: Storage
        switch reference.dtype {
        case .float32: storage = .float32(try read(range, as: Float.self))
        case .float64: storage = .float64(try read(range, as: Double.self))
        default: storage = .raw(reference.dtype, try read(range, as: UInt8.self))
        }
        storages[reference.key] = storage
        return storage
    }

    /// The little-endian elements at `range`, read straight into the array that keeps them.
    private func read<Element>(_ range: Range<Int>, as _: Element.Type) throws(FormatError) -> [Element] {
        let count = range.count / MemoryLayout<Element>.size
        var failure: FormatError?
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                try payload.read(range, into: UnsafeMutableRawBufferPointer(buffer), context: context)
                initialized = count
            } catch {
                failure = (error as? FormatError) ?? FormatError("\(context): \(error)")
            }
        }
        if let failure { throw failure }
        return values
    }
}
