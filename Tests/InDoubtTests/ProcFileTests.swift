@testable import InDoubt
import Foundation
import Testing

@Suite("Reading /proc")
struct ProcFileTests {
    @Test("A /proc file is read whole, past the 4 KB where String(contentsOfFile:) stops")
    func procFileReadWhole() throws {
        // /proc/self/mountinfo and /proc/self/maps often pass 4 KB; any /proc file whose
        // size reads as 0 shows the difference. Compare with a read through cat.
        for path in ["/proc/self/mounts", "/proc/self/mountinfo", "/proc/self/maps"] where FileManager.default.fileExists(atPath: path) {
            let text = ProcFile.read(path)
            #expect(!text.isEmpty)
            #expect(text.hasSuffix("\n"), "\(path) was cut short")
            // /proc/self is the reader itself: cat's maps are its own, so only their size says anything.
            if path == "/proc/self/maps" {
                #expect(text.utf8.count > 4096)
                continue
            }
            let (ours, viaCat) = try #require(try Self.readBesideCat(path), "\(path) changed under every one of 20 tries")
            #expect(ours == viaCat, "\(path): \(ours.utf8.count) bytes read, \(viaCat.utf8.count) through cat")
        }
    }

    /// `path` through ``ProcFile`` and through cat, taken while it did not change: the mount
    /// tables change whenever a test beside this one mounts or unmounts a cluster's overlay
    /// (seen: 25 lines read, 27 through cat a moment later).
    static func readBesideCat(_ path: String) throws -> (ours: String, viaCat: String)? {
        for _ in 0..<20 {
            let before = ProcFile.read(path)
            let viaCat = try Command.runBlocking(["cat", path]).stdout
            if ProcFile.read(path) == before { return (before, viaCat) }
        }
        return nil
    }
}
