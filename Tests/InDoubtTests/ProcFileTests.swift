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
            let lines = text.split(separator: "\n").count
            let viaCat = try Command.runBlocking(["cat", path]).stdout.split(separator: "\n").count
            // /proc/self is the reader itself; the counts agree within the reader's own mappings.
            if path != "/proc/self/maps" { #expect(lines == viaCat) } else { #expect(text.utf8.count > 4096) }
        }
    }
}
