import RealModule

/// PyTorch's CPU random number generator: a 32-bit Mersenne Twister (MT19937) seeded the way
/// `torch.manual_seed` seeds it.
///
/// Drawing from it with the recipes PyTorch uses reproduces PyTorch's numbers bit for bit: a model
/// built after `TorchGenerator(seed: 0)` has the weights `torch.manual_seed(0); nn.RNN(...)` gives,
/// and training-mode dropout draws the same masks.
///
/// ```swift
/// var generator = TorchGenerator(seed: 0)
/// let rnn = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, generator: &generator)
/// ```
public struct TorchGenerator: RandomNumberGenerator, Sendable, Hashable {
    private static let stateSize = 624
    private static let shiftSize = 397

    private var state: [UInt32]
    private var index: Int
    /// The second value of the last Box-Muller pair `nextNormalDouble()` made, which PyTorch's
    /// generator keeps for the next normal draw (`next_double_normal_sample`); seeding clears it.
    private var cachedNormal: Double?

    /// Seeds the generator as `torch.manual_seed(seed)` does (only the low 32 bits count).
    public init(seed: UInt64) {
        var state = [UInt32](repeating: 0, count: Self.stateSize)
        state[0] = UInt32(truncatingIfNeeded: seed)
        for i in 1..<Self.stateSize {
            let previous = state[i - 1]
            state[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
        }
        self.state = state
        self.index = Self.stateSize
        self.cachedNormal = nil
    }

    /// The next 32-bit output (`mt19937()` in PyTorch's `CPUGeneratorImpl::random()`).
    public mutating func next32() -> UInt32 {
        if index >= Self.stateSize { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// The next 64-bit output, built from two 32-bit draws with the first as the high word
    /// (`CPUGeneratorImpl::random64()`).
    public mutating func next() -> UInt64 {
        let high = UInt64(next32())
        return (high << 32) | UInt64(next32())
    }

    /// A uniform `Double` in [0, 1) from the low 53 bits of one 64-bit draw, as PyTorch's
    /// `uniform_real_distribution<double>` and `bernoulli_distribution<double>` make it.
    public mutating func nextUnitDouble() -> Double {
        Double(next() & ((1 << 53) - 1)) * 0x1p-53
    }

    /// A standard normal draw as PyTorch's `normal_distribution<double>` makes it: two unit draws
    /// `u1`, `u2`, then Box-Muller with `r = sqrt(-2 log1p(-u2))` and `θ = 2π u1`, returning `r cos θ`
    /// and keeping `r sin θ` for the next call, as PyTorch's generator keeps it.
    ///
    /// This is how `torch.randn` and `normal_` draw a tensor of fewer than 16 elements (each value
    /// then rounded to the tensor's dtype); larger tensors are drawn in blocks of 16 (see
    /// ``RecurrentScalar/torchNormalBlock(_:at:)``).
    public mutating func nextNormalDouble() -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return cached
        }
        let u1 = nextUnitDouble()
        let u2 = nextUnitDouble()
        let radius = (-2 * Double.log(onePlus: -u2)).squareRoot()
        let theta = 2 * Double.pi * u1
        cachedNormal = radius * Double.sin(theta)
        return radius * Double.cos(theta)
    }

    private mutating func twist() {
        let upperMask: UInt32 = 0x8000_0000
        let lowerMask: UInt32 = 0x7FFF_FFFF
        for i in 0..<Self.stateSize {
            let y = (state[i] & upperMask) | (state[(i + 1) % Self.stateSize] & lowerMask)
            var value = state[(i + Self.shiftSize) % Self.stateSize] ^ (y >> 1)
            if y & 1 != 0 { value ^= 0x9908_B0DF }
            state[i] = value
        }
        index = 0
    }
}

extension TorchGenerator {
    /// Lends `generator` to `body` as an optional, which stays set, and takes back its advanced state.
    ///
    /// Forward passes take an optional generator so that one is made (from the system's random source)
    /// only when training-mode dropout needs it; a caller's generator is passed in this way.
    static func lending<Result>(
        _ generator: inout TorchGenerator, to body: (inout TorchGenerator?) throws(TorchError) -> Result
    ) throws(TorchError) -> Result {
        var lent: TorchGenerator? = generator
        defer { if let lent { generator = lent } }
        return try body(&lent)
    }

    /// A generator seeded from the system's random source, for callers who did not pick a seed.
    static func seededFromSystem() -> TorchGenerator {
        var system = SystemRandomNumberGenerator()
        return TorchGenerator(seed: system.next())
    }
}
