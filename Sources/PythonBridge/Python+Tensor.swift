import Recurrent

extension Python {
    /// A torch tensor with the dtype, shape and elements of `tensor` (copied from raw bytes, not
    /// through text).
    public func torchTensor(_ tensor: AnyTensor) throws(PythonError) -> PythonObject {
        let bytes = littleEndianBytes(tensor)
        return try withGIL { () throws(PythonError) -> PythonObject in
            try helpers.attribute("tensor_from_bytes").call(
                PythonObject(bytes: bytes), PythonObject(tensor.dtype.rawValue),
                PythonObject(tuple: tensor.shape.map { dimension throws(PythonError) in try PythonObject(dimension) }))
        }
    }

    /// The dtype, shape and elements of a torch tensor, checked against each other.
    ///
    /// - Throws: ``PythonError/conversion(_:)`` for a dtype this package does not know or bytes that do
    ///   not match the shape; a Python exception when `object` is not a tensor.
    public func anyTensor(_ object: PythonObject) throws(PythonError) -> AnyTensor {
        try withGIL { () throws(PythonError) -> AnyTensor in
            let triple = try helpers.attribute("tensor_to_bytes").call(object)
            let dtypeName = try triple.item(0).string()
            guard let dtype = DType(rawValue: dtypeName) else { throw .conversion("torch dtype \(dtypeName) is not supported") }
            let shapeObject = try triple.item(1)
            var shape: [Int] = []
            for index in 0..<(try shapeObject.count()) { shape.append(try shapeObject.item(index).integer()) }
            let bytes = try triple.item(2).bytes()
            do {
                return try anyTensor(dtype: dtype, shape: shape, bytes: bytes)
            } catch {
                throw .conversion("\(error)")
            }
        }
    }

    private func anyTensor(dtype: DType, shape: [Int], bytes: [UInt8]) throws(TorchError) -> AnyTensor {
        let raw = try RawTensor(dtype: dtype, shape: shape, bytes: bytes)
        switch dtype {
        case .float32: return .float32(AnyTensor.raw(raw).converted(to: Float.self))
        case .float64: return .float64(AnyTensor.raw(raw).converted(to: Double.self))
        default: return .raw(raw)
        }
    }

    private func littleEndianBytes(_ tensor: AnyTensor) -> [UInt8] {
        switch tensor {
        case .float32(let t): t.scalars.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        case .float64(let t): t.scalars.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        case .raw(let raw): raw.bytes
        }
    }
}
