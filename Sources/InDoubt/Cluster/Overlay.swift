import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Gives each node a copy-on-write view of the cached `initdb` template with overlayfs,
/// which takes milliseconds where copying 40 MB takes most of a second on a busy machine.
/// Falls back to a plain copy where overlayfs is missing.
enum Overlay {
    /// Whether the kernel offers overlayfs.
    static var isAvailable: Bool {
        let filesystems = (try? String(contentsOfFile: "/proc/filesystems", encoding: .utf8)) ?? ""
        return filesystems.split(separator: "\n").contains { $0.hasSuffix("\toverlay") }
    }

    /// Mounts `lower` (read-only) under `target`, with writes going to `upper`.
    static func mount(lower: URL, upper: URL, work: URL, at target: URL) throws {
        let options = "lowerdir=\(lower.path),upperdir=\(upper.path),workdir=\(work.path)"
        guard Glibc.mount("overlay", target.path, "overlay", 0, options) == 0 else {
            throw CommandError(arguments: ["mount", "-t", "overlay", "-o", options, target.path], status: nil,
                               stderr: String(cString: strerror(errno)))
        }
    }

    /// Mounts a tmpfs at `folder` to hold a node's upper and work layers. The data is thrown
    /// away with the run, and on the disk every first write to a template file copied the
    /// whole file into a new inode and synced it: with a cluster or more starting each
    /// second, ext4's inode allocation and journal cost more CPU than the servers' queries.
    /// ``unmountAll(under:)`` removes it with the overlay.
    static func mountMemoryLayer(at folder: URL) throws {
        let options = "mode=0700,size=\(memoryLayerMegabytes)m"
        guard Glibc.mount("tmpfs", folder.path, "tmpfs", UInt(MS_NOSUID | MS_NODEV), options) == 0 else {
            throw CommandError(arguments: ["mount", "-t", "tmpfs", "-o", options, "tmpfs", folder.path], status: nil,
                               stderr: String(cString: strerror(errno)))
        }
    }

    /// The most a node's writes may take in memory: far more than the largest run's WAL and
    /// table (a 100,000-write bench run writes about 20 MB), far less than the machine.
    static let memoryLayerMegabytes = 1024

    /// Detaches every mount at or below `folder` (deepest first); returns whether none is
    /// left, so that a caller never deletes through a mount into the template.
    @discardableResult
    static func unmountAll(under folder: URL) -> Bool {
        for point in mounts(under: folder).sorted(by: { $0.count > $1.count }) {
            umount2(point, Int32(MNT_DETACH))
        }
        return mounts(under: folder).isEmpty
    }

    /// The mount points at or below `folder`.
    static func mounts(under folder: URL) -> [String] {
        let table = ProcFile.read("/proc/self/mounts")
        let prefix = folder.standardizedFileURL.path
        let points = table.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 1 else { return nil }
            // /proc/mounts escapes spaces as \040; our paths have none.
            let point = String(fields[1])
            return point == prefix || point.hasPrefix(prefix + "/") ? point : nil
        }
        return points
    }
}
