import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Named network namespaces and the root namespace's links, read and removed through the
/// files `ip` itself uses: `/run/netns`, `/proc/PID/ns/net` and `/sys/class/net`.
///
/// Each `ip` is a process start, two to three milliseconds of CPU on these machines, and
/// every cluster's teardown ran seven of them while it held the machine-wide lock that the
/// next cluster's start waits for.
enum NamespaceFiles {
    /// Where `ip netns add` puts a namespace's bind mount.
    static let directory = "/run/netns"

    /// The named namespaces (`ip netns list`).
    static func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The processes in `namespace` (`ip netns pids`): those whose `/proc/PID/ns/net` is the
    /// same file as the namespace's bind mount. Throws when there is no such namespace.
    static func pids(in namespace: String) throws -> [Int32] {
        let path = "\(directory)/\(namespace)"
        var target = stat()
        guard stat(path, &target) == 0 else {
            throw CommandError(arguments: ["ip", "netns", "pids", namespace], status: nil, stderr: "\(path): \(String(cString: strerror(errno)))")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            var candidate = stat()
            return stat("/proc/\(pid)/ns/net", &candidate) == 0 && candidate.st_dev == target.st_dev && candidate.st_ino == target.st_ino
        }.sorted()
    }

    /// Removes `namespace`'s name (`ip netns delete`): detaches its bind mount and deletes
    /// the file. The namespace itself ends with its last process. Returns whether the name
    /// is gone.
    @discardableResult
    static func delete(_ namespace: String) -> Bool {
        let path = "\(directory)/\(namespace)"
        umount2(path, Int32(MNT_DETACH))
        return unlink(path) == 0
    }

    /// The links of the root namespace (`ip link show`, as this process sees it).
    static func rootLinks() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []).sorted()
    }
}
