/// The permutation that sorts `keys` in descending order exactly as `torch.sort(keys, descending=True)`
/// does on CPU, ties included.
///
/// PyTorch sorts with libstdc++'s `std::sort` (introsort: median-of-three pivot, unguarded Hoare
/// partition, insertion sort of runs of at most 16, heapsort past a depth of 2·⌊log2 n⌋), which is not
/// stable: from 17 elements on, equal keys can come out in any order. `pack_padded_sequence` with
/// `enforce_sorted=False` takes its `sorted_indices` from it, so matching PyTorch's packed `data`,
/// `sorted_indices` and `unsorted_indices` for tied lengths needs the same algorithm, step for step.
func descendingSortIndices(_ keys: [Int]) -> [Int] {
    var sorter = Introsort(keys: keys)
    sorter.sort()
    return sorter.items.map(\.index)
}

/// libstdc++'s `std::sort` over (key, index) pairs with the comparator `a.key > b.key`.
private struct Introsort {
    struct Item {
        var key: Int
        var index: Int
    }

    private static let threshold = 16
    var items: [Item]

    init(keys: [Int]) {
        items = keys.enumerated().map { Item(key: $0.element, index: $0.offset) }
    }

    private func precedes(_ a: Item, _ b: Item) -> Bool { a.key > b.key }

    mutating func sort() {
        let count = items.count
        guard count > 1 else { return }
        introsortLoop(0, count, depth: 2 * (Int.bitWidth - 1 - count.leadingZeroBitCount))
        if count > Self.threshold {
            insertionSort(0, Self.threshold)
            for i in Self.threshold..<count { unguardedLinearInsert(i) }
        } else {
            insertionSort(0, count)
        }
    }

    private mutating func introsortLoop(_ first: Int, _ last: Int, depth: Int) {
        var last = last
        var depth = depth
        while last - first > Self.threshold {
            if depth == 0 {
                heapSort(first, last)
                return
            }
            depth -= 1
            moveMedianToFirst(first, first + 1, first + (last - first) / 2, last - 1)
            let cut = unguardedPartition(first + 1, last, pivot: first)
            introsortLoop(cut, last, depth: depth)
            last = cut
        }
    }

    private mutating func moveMedianToFirst(_ result: Int, _ a: Int, _ b: Int, _ c: Int) {
        if precedes(items[a], items[b]) {
            if precedes(items[b], items[c]) {
                items.swapAt(result, b)
            } else if precedes(items[a], items[c]) {
                items.swapAt(result, c)
            } else {
                items.swapAt(result, a)
            }
        } else if precedes(items[a], items[c]) {
            items.swapAt(result, a)
        } else if precedes(items[b], items[c]) {
            items.swapAt(result, c)
        } else {
            items.swapAt(result, b)
        }
    }

    private mutating func unguardedPartition(_ first: Int, _ last: Int, pivot: Int) -> Int {
        var first = first
        var last = last
        while true {
            while precedes(items[first], items[pivot]) { first += 1 }
            last -= 1
            while precedes(items[pivot], items[last]) { last -= 1 }
            if first >= last { return first }
            items.swapAt(first, last)
            first += 1
        }
    }

    private mutating func insertionSort(_ first: Int, _ last: Int) {
        guard first != last else { return }
        for i in (first + 1)..<last {
            if precedes(items[i], items[first]) {
                let value = items[i]
                for j in stride(from: i, to: first, by: -1) { items[j] = items[j - 1] }
                items[first] = value
            } else {
                unguardedLinearInsert(i)
            }
        }
    }

    private mutating func unguardedLinearInsert(_ position: Int) {
        let value = items[position]
        var last = position
        var next = position - 1
        while precedes(value, items[next]) {
            items[last] = items[next]
            last = next
            next -= 1
        }
        items[last] = value
    }

    private mutating func heapSort(_ first: Int, _ last: Int) {
        let length = last - first
        if length >= 2 {
            var parent = (length - 2) / 2
            while true {
                adjustHeap(first, hole: parent, length: length, value: items[first + parent])
                if parent == 0 { break }
                parent -= 1
            }
        }
        var end = last
        while end - first > 1 {
            end -= 1
            let value = items[end]
            items[end] = items[first]
            adjustHeap(first, hole: 0, length: end - first, value: value)
        }
    }

    private mutating func adjustHeap(_ first: Int, hole: Int, length: Int, value: Item) {
        let top = hole
        var hole = hole
        var child = hole
        while child < (length - 1) / 2 {
            child = 2 * (child + 1)
            if precedes(items[first + child], items[first + child - 1]) { child -= 1 }
            items[first + hole] = items[first + child]
            hole = child
        }
        if length & 1 == 0 && child == (length - 2) / 2 {
            child = 2 * (child + 1)
            items[first + hole] = items[first + child - 1]
            hole = child - 1
        }
        var parent = (hole - 1) / 2
        while hole > top && precedes(items[first + parent], value) {
            items[first + hole] = items[first + parent]
            hole = parent
            parent = (hole - 1) / 2
        }
        items[first + hole] = value
    }
}
