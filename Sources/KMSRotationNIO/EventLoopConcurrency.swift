// Built with the NIOTransport trait only (see Package.swift).
#if NIOTransport
    import NIOCore
    import NIOPosix

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Musl)
        import Musl
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// Runs Swift Concurrency's global executor on NIO's singleton event loops, as nonisolated code expects
    /// it to run, so that an answer is decoded and judged on the thread that read it.
    ///
    /// `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()` does the
    /// same takeover, but runs every job *isolated to the event loop* (as a serial executor). The Swift 6
    /// runtime then finds each nonisolated `async` function entered from such a job on the wrong executor
    /// and switches to the generic one, an enqueue and another pass of the event loop. Counted with a probe
    /// on the runtime (Swift 6.3): 33 global enqueues per KMS request in the CLI, 47 in `StreamingScan`,
    /// against 2.6 with this hook (the answer's continuation, a task per key, an event to its consumer).
    /// This hook runs each job as the runtime's own pool does, on the generic executor (with the default
    /// task executor, so the runtime sees no preference to honour), on the event loop of the thread that
    /// enqueued it when that is one of NIO's, else on the next one.
    ///
    /// Install it at most once, first thing in `main`, before any task is enqueued; use it or NIO's
    /// takeover, not both. Only a process that owns its threads should: nothing may then block a
    /// concurrency thread for long (blocking reads, `sleep`, waiting on a semaphore), because that thread
    /// is an event loop. A library should leave the choice to its process; `kms-rotation` makes it.
    public enum EventLoopConcurrency {
        /// Installs the hook.
        /// - Returns: Whether it was installed: `false` when the runtime has no global-executor hook (or
        ///   another one is installed already), in which case Swift's own pool keeps running the tasks.
        @discardableResult
        public static func install() -> Bool {
            #if os(Linux) || os(Android) || canImport(Darwin)
                guard #available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *) else { return false }
                guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
                let slot = symbol.assumingMemoryBound(to: UnsafeRawPointer?.self)
                // Nothing else runs yet (see above), so a plain check-and-store is enough; NIO's takeover
                // would have stored its own hook here, and then this one is refused.
                guard slot.pointee == nil else { return false }
                genericTaskExecutor = globalConcurrentExecutor.asUnownedTaskExecutor()
                return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { hook in
                    hook.baseAddress!.initialize(to: { job, _ in
                        // Sticky: the current thread's loop when it is one of the group's, else the next.
                        let loop = MultiThreadedEventLoopGroup.singleton.any()
                        loop.execute { job.runSynchronously(on: genericTaskExecutor!) }
                    })
                    return hook.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { pointer in
                        slot.pointee = pointer.pointee
                        return true
                    }
                }
            #else
                return false
            #endif
        }

        /// Whether ``install()`` has installed the hook in this process.
        public static var isInstalled: Bool { genericTaskExecutor != nil }

        /// The runtime's hook: the job, and the enqueue it replaces.
        private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void
    }

    /// The default global executor as a task executor, set once by ``EventLoopConcurrency/install()`` before
    /// the hook that reads it (and only when the hook is then installed, so it also says that it is). A job run on it runs with no isolation and the task executor the runtime
    /// assumes for a task without a preference, so the task's nonisolated functions continue on it without
    /// switching.
    nonisolated(unsafe) private var genericTaskExecutor: UnownedTaskExecutor?
#endif
