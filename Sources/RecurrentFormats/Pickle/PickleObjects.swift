import Recurrent

extension Unpickler {
    /// A storage the pickle refers to through a persistent id: its key, element type and length.
    struct StorageReference: Hashable {
        var key: String
        var dtype: DType
        var count: Int
    }

    /// A tensor view of a storage, as `_rebuild_tensor_v2` describes it.
    struct TensorReference: Hashable {
        var storage: StorageReference
        var offset: Int
        var shape: [Int]
        var strides: [Int]
    }

    /// Lists, tuples and sets. Containers are objects so that memoised ones are shared, as in Python;
    /// every one is registered with the ``ObjectGraph`` that takes them apart.
    final class ListBox {
        var items: [Object]
        /// For a set: the keys of its items, which make it keep one of equal items, as Python's does.
        var keys: Set<DictionaryKey> = []

        init(_ items: [Object] = []) {
            self.items = items
        }
    }

    /// Dictionaries: the entries in insertion order, and where each key stands, so that a key set
    /// again keeps its place and takes the new value, as in Python.
    final class DictBox {
        var entries: [(key: Object, value: Object)] = []
        var positions: [DictionaryKey: Int] = [:]
        /// Whether it is a `collections.OrderedDict` (which `BUILD` may give attributes) rather than a `dict`.
        let isOrdered: Bool

        init(ordered: Bool) {
            isOrdered = ordered
        }
    }

    indirect enum Object {
        case none, bool(Bool), int(Int), bigInt([UInt8]), float(Double), string(String), bytes([UInt8])
        case list(ListBox), tuple(ListBox), set(ListBox), dict(DictBox), global(module: String, name: String)
        case storage(StorageReference), tensor(TensorReference)
    }
}

/// Every container the unpicklers of one file build, so that they can be taken apart without
/// recursion.
///
/// Swift releases a container by releasing its items, recursively: a hostile pickle a million
/// levels deep would overflow the stack wherever such a graph is let go, at the end or in the middle
/// (an object popped and dropped, an error thrown with it in hand). Here every container stays
/// registered until ``dismantle()`` empties them all, so that releasing any one of them never
/// reaches another.
final class ObjectGraph {
    private var lists: [Unpickler.ListBox] = []
    private var dicts: [Unpickler.DictBox] = []

    func register(_ box: Unpickler.ListBox) -> Unpickler.ListBox {
        lists.append(box)
        return box
    }

    func register(_ box: Unpickler.DictBox) -> Unpickler.DictBox {
        dicts.append(box)
        return box
    }

    /// Empties every container: call once the objects are no longer needed.
    func dismantle() {
        for box in lists {
            box.items = []
            box.keys = []
        }
        for box in dicts {
            box.entries = []
            box.positions = [:]
        }
        lists = []
        dicts = []
    }
}
