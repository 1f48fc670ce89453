import Foundation
import Synchronization

/// A team of threads that run one body together, each on its own share of the work, meeting at a
/// barrier between phases: the recurrence's steps, where every share of `h_t` must be complete before
/// any thread computes `h_(t+1)`.
///
/// The caller's thread is worker 0; the others are threads started for the run and finished with it.
/// A run is worth a team only when each phase holds far more work than a barrier costs (a few hundred
/// nanoseconds when every worker has a core).
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
enum WorkerTeam {
    /// Calls `body(worker, barrier)` on `count` threads at once, `worker` running from 0 to `count - 1`,
    /// and returns when every call has returned. `barrier()` returns once all `count` calls have
    /// reached it.
    static func run(count: Int, _ body: (_ worker: Int, _ barrier: () -> Void) -> Void) {
        guard count > 1 else { return body(0, {}) }
        let barrier = SpinBarrier(parties: count)
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBox(body)
            let finished = DispatchGroup()
            for worker in 1..<count {
                finished.enter()
                Thread {
                    shared.value?(worker, barrier.wait)
                    finished.leave()
                }.start()
            }
            body(0, barrier.wait)
            // The body must not outlive this call: wait for every helper to have returned from it, and
            // drop the box's reference, which the helper threads' closures may hold a little longer.
            finished.wait()
            shared.value = nil
        }
    }
}

/// A barrier for a fixed number of threads that spins, then yields, while it waits: a step of the
/// recurrence lasts tens of microseconds, far less than a sleep and a wake-up would cost.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
final class SpinBarrier: Sendable {
    private let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    /// Returns once `parties` calls (one per thread) have reached this phase of the barrier.
    func wait() {
        let phase = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
            // The last to arrive opens the next phase; the reset is published by the release below.
            arrived.store(0, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .releasing)
            return
        }
        var spins = 0
        while generation.load(ordering: .acquiring) == phase {
            spins += 1
            // More threads than cores: give the core to the threads still working.
            if spins > 2_000 { sched_yield() }
        }
    }
}

/// Carries a non-`Sendable` value to the team's threads, which `WorkerTeam.run` outlives.
private final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value?
    init(_ value: Value) { self.value = value }
}
