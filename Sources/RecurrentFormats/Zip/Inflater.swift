import CZlib
import Foundation

/// A raw deflate stream (a ZIP entry of method 8) inflated through zlib a requested number of bytes
/// at a time, so that the caller bounds the output: nothing is inflated past what it asks for, and
/// ``finish()`` refuses a stream that would go on.
struct Inflater {
    /// Deflate cannot compress better than about 1032 to 1 (a 258-byte match in at most 2 bits), so an
    /// entry that claims more output than this per input byte lies, and is refused before inflating.
    static let maximumRatio = 1032

    private let stream: Stream
    private let context: String

    /// Starts inflating `compressed`.
    init(_ compressed: Data, context: String) throws(FormatError) {
        self.context = context
        stream = try Stream(compressed, context: context)
    }

    /// The next `count` bytes of output, grown as they arrive (a false size costs no memory before
    /// the stream runs out).
    ///
    /// - Throws: ``FormatError`` when the stream ends or is damaged before `count` bytes.
    func read(_ count: Int) throws(FormatError) -> Data {
        var output = Data()
        while output.count < count {
            let piece = min(count - output.count, 1 << 24)
            let (bytes, ended) = try stream.inflate(upTo: piece)
            output.append(bytes)
            if ended && output.count < count {
                throw FormatError("\(context): the compressed data ends \(count - output.count) bytes short of what its header declares")
            }
        }
        return output
    }

    /// Checks that the stream ends here.
    ///
    /// - Throws: ``FormatError`` when it would inflate further (a decompression bomb, or a header that
    ///   understates its data).
    func finish(declared: Int) throws(FormatError) {
        let (extra, ended) = try stream.inflate(upTo: 1)
        guard extra.isEmpty && ended else {
            throw FormatError(
                "\(context): the compressed data inflates past the \(declared) bytes its header declares "
                    + "(a decompression bomb, or a damaged file); refused")
        }
    }

    /// zlib's stream state, at a fixed address for as long as zlib uses it.
    private final class Stream {
        private let compressed: Data
        private let state = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        private let context: String
        private var consumed = 0

        init(_ compressed: Data, context: String) throws(FormatError) {
            self.compressed = compressed
            self.context = context
            state.initialize(to: z_stream())
            // A negative window size: raw deflate, without a zlib header (ZIP's method 8).
            guard inflateInit2_(state, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                state.deallocate()
                throw FormatError("\(context): zlib could not start inflating")
            }
        }

        deinit {
            inflateEnd(state)
            state.deallocate()
        }

        /// Inflates at most `limit` bytes; also whether the stream has ended.
        func inflate(upTo limit: Int) throws(FormatError) -> (Data, ended: Bool) {
            var output = Data(count: limit)
            var produced = 0
            var status = Z_OK
            output.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) in
                compressed.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
                    while produced < limit && status == Z_OK {
                        let input = source.count - consumed
                        state.pointee.next_in = UnsafeMutablePointer(
                            mutating: source.baseAddress?.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
                        state.pointee.avail_in = uInt(min(input, Int(UInt32.max)))
                        state.pointee.next_out = target.baseAddress?.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
                        state.pointee.avail_out = uInt(min(limit - produced, Int(UInt32.max)))
                        let before = (state.pointee.avail_in, state.pointee.avail_out)
                        status = CZlib.inflate(state, Z_NO_FLUSH)
                        consumed += Int(before.0 - state.pointee.avail_in)
                        produced += Int(before.1 - state.pointee.avail_out)
                        // No input left and no progress: the stream stops short of its end marker.
                        if status == Z_BUF_ERROR && consumed == source.count { status = Z_DATA_ERROR }
                        if status == Z_BUF_ERROR { status = Z_OK }
                    }
                }
            }
            output.count = produced
            switch status {
            case Z_OK, Z_STREAM_END:
                return (output, status == Z_STREAM_END)
            default:
                let reason = state.pointee.msg.map { String(cString: $0) } ?? "the stream is truncated"
                throw FormatError("\(context): damaged compressed data (zlib: \(reason))")
            }
        }
    }
}
