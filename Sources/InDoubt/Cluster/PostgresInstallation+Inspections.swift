import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension PostgresInstallation {
    /// What identifies a binary's file on disk: a reinstall, a rebuild or a `chmod` changes it.
    struct BinaryStamp: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        /// Modification and status-change times, in nanoseconds.
        var modified: Int64
        var changed: Int64

        /// The stamp of the file at `path`, links followed; `nil` when it cannot be read.
        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            size = Int64(status.st_size)
            modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
            changed = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
        }
    }

    /// A bin folder that ran: what it was found to be, and the stamps of its `postgres` and
    /// `initdb` when it did.
    struct Inspection: Sendable {
        var stamps: [BinaryStamp]
        var installation: PostgresInstallation
    }

    /// Successful inspections of this process, by bin folder path. Running `postgres
    /// --version` and `initdb --version` costs a few milliseconds of CPU each (the server
    /// binary is large and dynamically linked), and every backend's start, every check of
    /// the prerequisites and every `--pg` surveys every installation: a plain `swift test`
    /// ran them some 6,000 times. A failure is never kept: a missing library may be
    /// installed without touching the binaries.
    static let inspections = Mutex<[String: Inspection]>([:])

    /// The stamps of `binDirectory`'s `postgres` and `initdb`, or `nil` if either is unreadable.
    static func stamps(of binDirectory: URL) -> [BinaryStamp]? {
        let stamps = ["postgres", "initdb"].compactMap { BinaryStamp(path: binDirectory.appendingPathComponent($0).path) }
        return stamps.count == 2 ? stamps : nil
    }

    /// The installation found in `binDirectory` earlier in this process, if its binaries are
    /// still the files that ran then.
    static func earlierInspection(of binDirectory: URL, stamps: [BinaryStamp]?) -> PostgresInstallation? {
        guard let stamps else { return nil }
        return inspections.withLock { $0[binDirectory.path] }.flatMap { $0.stamps == stamps ? $0.installation : nil }
    }

    /// Keeps what `binDirectory` was found to be, under the stamps read before it ran.
    static func remember(_ installation: PostgresInstallation, of binDirectory: URL, stamps: [BinaryStamp]?) {
        guard let stamps else { return }
        inspections.withLock { $0[binDirectory.path] = Inspection(stamps: stamps, installation: installation) }
    }
}
