import Foundation
import InDoubt

/// The pixels of an 8-bit RGB or RGBA PNG (what Chromium's screenshots are), decoded here
/// except for the zlib stream, which python3's standard library inflates (Foundation has no
/// zlib on Linux).
struct PNGPixels {
    /// An RGB colour.
    struct Color: Hashable, CustomStringConvertible {
        var red: UInt8, green: UInt8, blue: UInt8

        /// `#rrggbb` → a colour.
        init(hex: String) {
            let value = UInt32(hex.dropFirst(), radix: 16) ?? 0
            red = UInt8((value >> 16) & 0xFF)
            green = UInt8((value >> 8) & 0xFF)
            blue = UInt8(value & 0xFF)
        }

        init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        var description: String { "rgb(\(red),\(green),\(blue))" }
    }

    struct DecodeError: Error, CustomStringConvertible {
        var description: String
    }

    let width: Int
    let height: Int
    /// How many pixels have each colour.
    let histogram: [Color: Int]

    /// Decodes `file`, inflating its image data with `python`.
    init(file: URL, python: String) async throws {
        let data = try Data(contentsOf: file)
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw DecodeError(description: "\(file.path) is not a PNG")
        }
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        var position = 8
        var header: (width: Int, height: Int, depth: UInt8, color: UInt8, interlace: UInt8)?
        var compressed: [UInt8] = []
        while position + 8 <= bytes.count {
            let length = u32(position)
            let kind = String(decoding: bytes[position + 4..<position + 8], as: UTF8.self)
            let body = position + 8
            guard body + length <= bytes.count else { break }
            if kind == "IHDR" {
                header = (u32(body), u32(body + 4), bytes[body + 8], bytes[body + 9], bytes[body + 12])
            } else if kind == "IDAT" {
                compressed += bytes[body..<body + length]
            }
            position = body + length + 4
        }
        guard let header, header.depth == 8, header.color == 2 || header.color == 6, header.interlace == 0 else {
            throw DecodeError(description: "\(file.path): only 8-bit, non-interlaced RGB or RGBA PNGs are supported")
        }
        let channels = header.color == 2 ? 3 : 4
        let raw = try await Self.inflate(compressed, python: python, next: file)
        let rowBytes = header.width * channels
        guard raw.count >= header.height * (rowBytes + 1) else {
            throw DecodeError(description: "\(file.path): image data too short")
        }
        var previous = [UInt8](repeating: 0, count: rowBytes)
        var line = [UInt8](repeating: 0, count: rowBytes)
        var histogram: [Color: Int] = [:]
        for y in 0..<header.height {
            let start = y * (rowBytes + 1)
            let filter = raw[start]
            for i in 0..<rowBytes {
                let x = raw[start + 1 + i]
                let a = i >= channels ? Int(line[i - channels]) : 0
                let b = Int(previous[i])
                let c = i >= channels ? Int(previous[i - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predictor = 0
                }
                line[i] = UInt8((Int(x) + predictor) & 0xFF)
            }
            for x in stride(from: 0, to: rowBytes, by: channels) {
                histogram[Color(red: line[x], green: line[x + 1], blue: line[x + 2]), default: 0] += 1
            }
            swap(&previous, &line)
        }
        width = header.width
        height = header.height
        self.histogram = histogram
    }

    /// Pixels within `tolerance` of `color` on every channel.
    func count(near color: Color, tolerance: Int = 3) -> Int {
        histogram.reduce(0) { sum, entry in
            let (pixel, count) = entry
            let close = abs(Int(pixel.red) - Int(color.red)) <= tolerance
                && abs(Int(pixel.green) - Int(color.green)) <= tolerance
                && abs(Int(pixel.blue) - Int(color.blue)) <= tolerance
            return close ? sum + count : sum
        }
    }

    /// Pixels that are not (nearly) white.
    var nonWhite: Int {
        histogram.reduce(0) { $0 + ($1.key.red < 250 || $1.key.green < 250 || $1.key.blue < 250 ? $1.value : 0) }
    }

    /// Inflates a zlib stream with python3, through two files next to `next`.
    private static func inflate(_ compressed: [UInt8], python: String, next file: URL) async throws -> [UInt8] {
        let input = file.deletingPathExtension().appendingPathExtension("zlib")
        let output = file.deletingPathExtension().appendingPathExtension("raw")
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: output)
        }
        try Data(compressed).write(to: input)
        let script = "import sys, zlib; open(sys.argv[2], 'wb').write(zlib.decompress(open(sys.argv[1], 'rb').read()))"
        try await Command.run([python, "-c", script, input.path, output.path])
        return [UInt8](try Data(contentsOf: output))
    }
}
