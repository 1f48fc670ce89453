import CPythonShim

/// A strong reference to a Python object, released (under the GIL) when the last Swift reference goes.
///
/// Create and use objects inside ``Python/withGIL(_:)``.
public final class PythonObject: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes ownership of a new reference; `nil` means Python raised, and the exception is thrown.
    init(owning pointer: OpaquePointer?) throws(PythonError) {
        guard let pointer else { throw Python.fetchException() }
        self.pointer = pointer
    }

    deinit {
        let state = recurrent_gil_ensure()
        recurrent_decref(pointer)
        recurrent_gil_release(state)
    }

    /// A Python `str`.
    public convenience init(_ string: String) throws(PythonError) {
        try self.init(owning: recurrent_string(string))
    }

    /// A Python `int`.
    public convenience init(_ integer: Int) throws(PythonError) {
        try self.init(owning: recurrent_int(Int64(integer)))
    }

    /// A Python `float`.
    public convenience init(_ double: Double) throws(PythonError) {
        try self.init(owning: recurrent_float(double))
    }

    /// A Python `bytes` object with a copy of `bytes`.
    public convenience init(bytes: [UInt8]) throws(PythonError) {
        try self.init(owning: bytes.withUnsafeBytes { recurrent_bytes($0.baseAddress, $0.count) })
    }

    /// A Python `tuple` of the given objects.
    public convenience init(tuple items: [PythonObject]) throws(PythonError) {
        let pointers: [OpaquePointer?] = items.map(\.pointer)
        try self.init(owning: pointers.withUnsafeBufferPointer { recurrent_tuple($0.baseAddress, $0.count) })
        withExtendedLifetime(items) {}
    }

    /// `None`.
    public static func none() throws(PythonError) -> PythonObject { try PythonObject(owning: recurrent_none()) }

    /// Whether the object is `None`.
    public var isNone: Bool { recurrent_is_none(pointer) != 0 }

    /// The attribute `name`.
    public func attribute(_ name: String) throws(PythonError) -> PythonObject {
        try PythonObject(owning: recurrent_getattr(pointer, name))
    }

    /// Calls the object with positional arguments.
    @discardableResult
    public func call(_ arguments: PythonObject...) throws(PythonError) -> PythonObject {
        let tuple = try PythonObject(tuple: arguments)
        return try PythonObject(owning: recurrent_call(pointer, tuple.pointer))
    }

    /// The `index`-th item of a sequence.
    public func item(_ index: Int) throws(PythonError) -> PythonObject {
        try PythonObject(owning: recurrent_item(pointer, index))
    }

    /// The length of a sequence.
    public func count() throws(PythonError) -> Int {
        let length = recurrent_length(pointer)
        if length < 0 { throw Python.fetchException() }
        return length
    }

    /// `str(object)` as a Swift string.
    public func string() throws(PythonError) -> String {
        let text = try PythonObject(owning: recurrent_str(pointer))
        guard let utf8 = recurrent_utf8(text.pointer) else { throw Python.fetchException() }
        return String(cString: utf8)
    }

    /// The value of a Python `int`.
    public func integer() throws(PythonError) -> Int {
        var value: Int64 = 0
        guard recurrent_as_int64(pointer, &value) == 0 else { throw Python.fetchException() }
        return Int(value)
    }

    /// The contents of a Python `bytes` object.
    public func bytes() throws(PythonError) -> [UInt8] {
        var data: UnsafePointer<CChar>?
        var length = 0
        guard recurrent_bytes_contents(pointer, &data, &length) == 0 else { throw Python.fetchException() }
        guard let data, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }
}
