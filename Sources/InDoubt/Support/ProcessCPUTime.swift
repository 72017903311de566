#if canImport(Glibc)
import Glibc
#endif

/// CPU time (user plus system) from `getrusage`: the bench's measure of what a client
/// costs per write, which unlike throughput hardly moves with what else the machine does.
enum ProcessCPUTime {
    /// This process's CPU time so far, all threads.
    static func ofProcess() -> Duration { time(RUSAGE_SELF) }

    /// The CPU time of this process's children that have ended and been waited for.
    static func ofEndedChildren() -> Duration { time(RUSAGE_CHILDREN) }

    private static func time(_ who: __rusage_who) -> Duration {
        var usage = rusage()
        getrusage(__rusage_who_t(who.rawValue), &usage)
        func duration(_ value: timeval) -> Duration { .seconds(value.tv_sec) + .microseconds(value.tv_usec) }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }
}
