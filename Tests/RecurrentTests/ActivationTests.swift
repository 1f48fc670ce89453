import Foundation
import RecurrentTestSupport
import Testing
@testable import Recurrent

@Suite("The vectorised tanh")
struct ActivationTests {
    /// `tanh` of every value, through the buffer entry point the forward pass uses.
    static func tanh<Scalar: RecurrentScalar>(_ values: [Scalar]) -> [Scalar] {
        var result = values
        result.withUnsafeMutableBufferPointer { Activation.apply(.tanh, to: $0) }
        return result
    }

    /// The distance between two values in units in the last place of the reference.
    static func ulps<Scalar: BinaryFloatingPoint>(_ value: Scalar, _ reference: Scalar) -> Double {
        if value == reference { return 0 }
        return Double((value - reference).magnitude / reference.ulp)
    }

    /// Points spread over [-20, 20], denser near 0, where the reduction's `k` changes (odd multiples of
    /// ln(2)/4) and where the result saturates.
    static func points(count: Int) -> [Double] {
        var generator = TorchGenerator(seed: 17)
        var values = (0..<count).map { _ in (generator.nextUnitDouble() * 2 - 1) * 20 }
        values += (0..<count).map { _ in (generator.nextUnitDouble() * 2 - 1) * 1 }
        values += (0..<count / 10).map { _ in (generator.nextUnitDouble() * 2 - 1) * 1e-3 }
        let steps = (0..<40).map { Double(2 * $0 + 1) * 0.693_147_180_559_945_3 / 4 }
        values += steps.flatMap { [$0, -$0, $0.nextDown, $0.nextUp] }
        values += [1e-30, -1e-30, 9, 10, 19.5, 0.5, 2, 5]
        return values
    }

    @Test("Float: at most 4 ulp from libm's tanh (the measured maximum)")
    func floatAccuracy() {
        let points = Self.points(count: 200_000).map { Float($0) }
        let results = Self.tanh(points)
        #expect(results.count == points.count)
        let worst = Differences.greatest(zip(results, points).map { Self.ulps($0, Float(Foundation.tanh(Double($1)))) })
        #expect(worst <= 4, "max error \(worst) ulp")
    }

    @Test("Double: at most 5 ulp from libm's tanh (the measured maximum)")
    func doubleAccuracy() {
        let points = Self.points(count: 200_000)
        let results = Self.tanh(points)
        #expect(results.count == points.count)
        let worst = Differences.greatest(zip(results, points).map { Self.ulps($0, Foundation.tanh($1)) })
        #expect(worst <= 5, "max error \(worst) ulp")
    }

    @Test("special values: NaN stays NaN, ±inf and huge values give ±1, the sign of zero is kept")
    func specialValues() {
        let inputs: [Double] = [.infinity, -.infinity, 1e300, -1e30, 40, .nan, -0.0]
        let expected: [Double] = [1, -1, 1, -1, 1, .nan, -0.0]
        #expect(Self.tanh(inputs).count == inputs.count)
        for (result, expected) in zip(Self.tanh(inputs), expected) {
            #expect(result == expected || (result.isNaN && expected.isNaN))
            #expect(result.sign == expected.sign || expected.isNaN)
        }
        for (result, expected) in zip(Self.tanh(inputs.map { Float($0) }), expected.map { Float($0) }) {
            #expect(result == expected || (result.isNaN && expected.isNaN))
            #expect(result.sign == expected.sign || expected.isNaN)
        }
    }
}
