// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Recurrent",
    products: [
        .library(name: "Recurrent", targets: ["Recurrent"]),
        .library(name: "RecurrentFormats", targets: ["RecurrentFormats"]),
        .library(name: "RecurrentConformance", targets: ["RecurrentConformance"]),
        .library(name: "PythonBridge", targets: ["PythonBridge"]),
        .executable(name: "conform", targets: ["conform"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // BLAS: OpenBLAS through pkg-config on Linux, Accelerate on macOS.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // The element-wise activations, cloned per x86-64 feature level and picked at load.
        .target(name: "RecurrentSIMD"),
        // The layers and the tensors they compute on.
        .target(
            name: "Recurrent",
            dependencies: [
                "CBLAS",
                "RecurrentSIMD",
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "RealModule", package: "swift-numerics"),
            ]
        ),
        // zlib, for compressed .npz archives: zlib1g-dev through pkg-config on Linux, the system's on macOS.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // File formats: safetensors, torch.save, .npy and .npz.
        .target(name: "RecurrentFormats", dependencies: ["Recurrent", "CZlib"]),
        // Fixture reading, assert_close comparison and reports.
        .target(name: "RecurrentConformance", dependencies: ["Recurrent", "RecurrentFormats"]),
        // CPython's embedding API (python3-dev), and the Swift layer over it.
        .systemLibrary(name: "CPython", pkgConfig: "python3-embed", providers: [.apt(["python3-dev"])]),
        .target(name: "CPythonShim", dependencies: ["CPython"]),
        .target(name: "PythonBridge", dependencies: ["CPythonShim", "Recurrent"], resources: [.copy("Resources/recurrent_bridge.py")]),
        // The randomized live comparison against the PyTorch of an embedded Python.
        .target(name: "RecurrentLive", dependencies: ["PythonBridge", "RecurrentConformance"]),
        // `conform bench`: our forward against PyTorch's, side by side in one process.
        .target(
            name: "RecurrentBenchmark", dependencies: ["PythonBridge", "Recurrent"],
            resources: [.copy("Resources/benchmark_helpers.py")]),
        // The `conform` command-line tool.
        .executableTarget(
            name: "conform",
            dependencies: [
                "RecurrentConformance",
                "RecurrentFormats",
                "RecurrentLive",
                "RecurrentBenchmark",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What the test targets share: the package's paths and whether torch is installed.
        .target(name: "RecurrentTestSupport", dependencies: ["PythonBridge"], path: "Tests/RecurrentTestSupport"),
        .testTarget(name: "RecurrentTests", dependencies: ["Recurrent", "RecurrentTestSupport"]),
        .testTarget(
            name: "RecurrentFormatsTests", dependencies: ["RecurrentFormats", "RecurrentTestSupport"],
            exclude: ["Resources"]),
        .testTarget(name: "RecurrentConformanceTests", dependencies: ["RecurrentConformance", "RecurrentTestSupport"]),
        .testTarget(name: "PythonBridgeTests", dependencies: ["PythonBridge", "RecurrentFormats", "RecurrentTestSupport"]),
        .testTarget(name: "RecurrentLiveTests", dependencies: ["RecurrentLive", "RecurrentTestSupport"]),
        // The command line end to end: shards, merge, reports, progress; the HTML in headless Chromium.
        .testTarget(name: "ConformTests", dependencies: ["conform", "RecurrentConformance", "RecurrentFormats", "RecurrentTestSupport"]),
    ]
)
