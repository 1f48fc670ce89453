import Testing
@testable import Recurrent

/// FNV-1a over 64-bit words, to compare long draws with PyTorch's in one number.
private func fnv1a<S: Sequence>(_ words: S) -> UInt64 where S.Element: BinaryInteger {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for word in words {
        hash ^= UInt64(word)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}

@Suite("Normal draws reproduce PyTorch's normal_ bit for bit")
struct NormalDrawTests {
    // Every expected value below was printed by torch 2.15.0 (AVX-512 kernels) from
    // `torch.manual_seed(SEED); torch.randn(N, dtype=...)`, as bit patterns.

    @Test("float32, 37 values: two blocks of 16 and the last 16 redrawn (Cephes log and sincos)")
    func float32Blocks() {
        var generator = TorchGenerator(seed: 0)
        let values: [Float] = generator.normalScalars(count: 37)
        #expect(
            values.map(\.bitPattern) == [
                0xBF90_1B85, 0xBF93_808A, 0xBE80_4BD6, 0xBEDE_255D, 0x3F59_4515, 0x3F31_2783, 0xBEA1_CC6D, 0xC007_5FC1,
                0x3EA5_0138, 0xBFA1_B4F4, 0x3EB3_30FF, 0x3E9D_C3BB, 0x3DF5_6F77, 0x3F9E_6B93, 0x3F8E_F28E, 0xBE7D_367C,
                0xBFAD_23C2, 0xBFD9_1446, 0x3F11_1004, 0x3F4B_235D, 0x3F19_4D8B, 0x3DE6_37D6, 0x3F24_0AF8, 0x3EE1_DF3C,
                0xBE5D_0B42, 0xBF3E_17A3, 0x3F10_0E82, 0x3E84_EDE2, 0xBE32_22D5, 0x4013_5755, 0xBFBC_04B7, 0xBFCB_189E,
                0x3F9A_033C, 0x3DAD_2087, 0xBF99_9E2B, 0xBB9C_D1AE, 0xBF04_A08D,
            ])
    }

    @Test("float64, 37 values: the C library's log, cos and sin")
    func float64Blocks() {
        var generator = TorchGenerator(seed: 0)
        let values: [Double] = generator.normalScalars(count: 37)
        #expect(
            values.map(\.bitPattern) == [
                0xC002_7BB9_2E92_62DC, 0xBFD7_E357_9493_9460, 0xBFF0_F91A_E8D6_85B6, 0x3FEF_FBFB_0ADA_994B,
                0xBFEC_49EE_CE71_0105, 0xBFF4_68A3_E5DC_9291, 0xBFE3_F174_AC92_D21F, 0xBFEB_B9E3_BD03_77C5,
                0xBFF4_BAE3_8638_4915, 0x3FF8_60CB_8D86_4A6E, 0x3FD4_B6DA_CF07_61E0, 0x4000_244D_8BAC_2A66,
                0x3FF2_2C00_28F1_2FFA, 0xBFF3_A14E_53B1_5145, 0x3FB2_4683_CD23_2DA0, 0x3FD5_A213_BEE5_3BB6,
                0x3FC3_A681_547F_FA4E, 0xBFE4_43C9_1CCF_2402, 0xBFF4_2CBF_54F0_8F8E, 0xBFE7_432E_DFAB_A107,
                0xBF94_71A3_C0E2_F22A, 0xBFF1_E99D_B95D_2A82, 0x3FF2_A9EC_EE4E_86FD, 0x3FED_A3B2_4012_AE8B,
                0x3FE9_811B_26A8_E089, 0x3FCB_17CF_D889_A214, 0x3FC1_5A65_2BE2_E895, 0xBFA1_5A69_A261_B2DC,
                0x3FDD_7852_F5C6_5D8E, 0x3FCE_BE39_D52B_4666, 0xBFF5_9486_7157_F914, 0x3FCF_4878_30A0_303B,
                0xBF8C_1999_6044_BB77, 0xBFC9_8CC3_2CD9_0443, 0xBFFA_80B7_2E2F_7848, 0x3FED_3EA7_8BA3_0557,
                0x3FF2_79A2_C064_800F,
            ])
    }

    @Test("fewer than 16 values: one Box-Muller pair per two values, the odd one kept for the next draw")
    func smallDrawsShareTheCachedValue() {
        // torch.manual_seed(0); torch.randn(5, dtype=torch.float64); torch.randn(3)
        var generator = TorchGenerator(seed: 0)
        let first: [Double] = generator.normalScalars(count: 5)
        let second: [Float] = generator.normalScalars(count: 3)
        #expect(
            first.map(\.bitPattern) == [
                0x3FF8_A7EB_8902_BE3A, 0xBFD2_C78A_087C_6FEA, 0xC001_6E29_20A7_0EE5, 0x3FE2_3096_CA3E_350D,
                0xBFF1_5A34_1987_E136,
            ])
        #expect(second.map(\.bitPattern) == [0xBFB3_052D, 0x3ECE_837A, 0x3F56_88E5])
    }

    @Test("100000 values in each dtype, for two seeds", arguments: [(1 as UInt64, 0x3e2d_67bc_cee0_faae as UInt64, 0x8733_638f_16dc_7e8c as UInt64), (2, 0x5450_f084_c0d0_3a34, 0xe238_d243_8d4a_14c1)])
    func longDraws(seed: UInt64, float32Hash: UInt64, float64Hash: UInt64) {
        var generator = TorchGenerator(seed: seed)
        let single: [Float] = generator.normalScalars(count: 100_000)
        #expect(fnv1a(single.map(\.bitPattern)) == float32Hash)
        generator = TorchGenerator(seed: seed)
        let double: [Double] = generator.normalScalars(count: 100_000)
        #expect(fnv1a(double.map(\.bitPattern)) == float64Hash)
    }
}
