import Recurrent
import Testing
@testable import RecurrentConformance

@Suite("Closeness follows torch.testing.assert_close")
struct ClosenessTests {
    @Test("the mismatch report is assert_close's, word for word")
    func report() throws {
        let expected = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let actual = try Tensor<Float>(shape: [2, 3], scalars: [1, 2.001, 3, 4, 5, 6.0005])
        let comparison = Closeness.compare(actual, expected)
        #expect(!comparison.passed)
        #expect(
            comparison.report == """
                Tensor-likes are not close!

                Mismatched elements: 2 / 6 (33.3%)
                Greatest absolute difference: 0.0009999275207519531 at index (0, 1) (up to 1e-05 allowed)
                Greatest relative difference: 0.0004999637603759766 at index (0, 1) (up to 1.3e-06 allowed)
                At (0, 1): actual 2.000999927520752, expected 2.0
                """)
    }

    @Test("default tolerances are assert_close's per dtype")
    func defaults() {
        #expect(Tolerance.assertCloseDefault(for: .float32) == Tolerance(relative: 1.3e-6, absolute: 1e-5))
        #expect(Tolerance.assertCloseDefault(for: .float64) == Tolerance(relative: 1e-7, absolute: 1e-7))
        #expect(Tolerance.assertCloseDefault(for: .float16) == Tolerance(relative: 1e-3, absolute: 1e-5))
        #expect(Tolerance.assertCloseDefault(for: .int64) == .exact)
    }

    @Test("within atol + rtol * |expected| passes; just beyond fails")
    func boundary() throws {
        let expected = try Tensor<Double>(shape: [1], scalars: [1])
        #expect(Closeness.compare(try Tensor(shape: [1], scalars: [1 + 1.9e-7]), expected).passed)
        #expect(!Closeness.compare(try Tensor(shape: [1], scalars: [1 + 2.1e-7]), expected).passed)
    }

    @Test("equal infinities match, NaN matches only with equalNaN, inf against -inf does not")
    func specialValues() throws {
        let expected = try Tensor<Float>(shape: [2], scalars: [.infinity, .nan])
        #expect(!Closeness.compare(expected, expected).passed)
        #expect(Closeness.compare(expected, expected, equalNaN: true).passed)
        let flipped = Closeness.compare(try Tensor<Float>(shape: [1], scalars: [-.infinity]), try Tensor(shape: [1], scalars: [.infinity]))
        #expect(flipped.report.contains("Greatest absolute difference: inf at index (0,)"))
        #expect(flipped.report.contains("Greatest relative difference: nan at index (0,)"))
    }

    @Test("shape is compared before dtype, with assert_close's messages")
    func attributes() throws {
        let a = AnyTensor.float32(try .zeros([3, 2]))
        #expect(
            Closeness.compare(a, .float64(try .zeros([2, 3]))).report
                == "The values for attribute 'shape' do not match: torch.Size([3, 2]) != torch.Size([2, 3]).")
        #expect(
            Closeness.compare(.float64(try .zeros([3, 2])), a).report
                == "The values for attribute 'dtype' do not match: torch.float64 != torch.float32.")
    }

    @Test("a 0-D mismatch uses the scalar wording")
    func scalars() {
        let report = Closeness.compare(Tensor<Float>(scalar: 1), Tensor<Float>(scalar: 1.1)).report
        #expect(
            report == """
                Scalars are not close!

                Expected 1.100000023841858 but got 1.0.
                Absolute difference: 0.10000002384185791 (up to 1e-05 allowed)
                Relative difference: 0.09090911061310529 (up to 1.3e-06 allowed)
                """)
    }

    @Test("floats print as Python's repr")
    func repr() {
        #expect(pythonRepr(1e-05) == "1e-05")
        #expect(pythonRepr(1.3e-06) == "1.3e-06")
        #expect(pythonRepr(0.0001) == "0.0001")
        #expect(pythonRepr(2.0) == "2.0")
        #expect(pythonRepr(1e16) == "1e+16")
        #expect(pythonRepr(1e15) == "1000000000000000.0")
        #expect(pythonRepr(-.infinity) == "-inf")
    }
}
