/// Text and number formatting for the timeline page: escaping, coordinates, times, ticks.
enum TimelineFormat {
    /// Escapes text for HTML and SVG, in element content and in quoted attributes alike.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `to - from`, never negative and never overflowing (times come from files).
    static func distance(from start: Int64, to end: Int64) -> Int64 {
        let (difference, overflow) = end.subtractingReportingOverflow(start)
        return overflow ? (end > start ? .max : 0) : max(difference, 0)
    }

    /// A coordinate with at most one decimal: `12`, `12.5`.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "0" }
        let tenths = (value * 10).rounded()
        if tenths.truncatingRemainder(dividingBy: 10) == 0 {
            return String(Int(tenths / 10))
        }
        return String(tenths / 10)
    }

    /// Nanoseconds as seconds with millisecond precision: `1.234 s`.
    static func seconds(_ nanoseconds: Int64) -> String {
        decimals(Double(nanoseconds) / 1e9, 3) + " s"
    }

    /// Nanoseconds as milliseconds: `3.2 ms`, `1000 ms`, `0.05 ms`.
    static func milliseconds(_ nanoseconds: Int64) -> String {
        let value = Double(nanoseconds) / 1e6
        return decimals(value, value >= 100 ? 0 : value >= 1 ? 1 : 3) + " ms"
    }

    /// `value` with exactly `places` decimals (no Foundation formatting needed).
    static func decimals(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        guard abs(value) * scale < 1e18 else { return String(value) }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        var text = (value < 0 && scaled > 0 ? "-" : "") + String(whole)
        if places > 0 {
            let fraction = String(Int(scaled - Double(whole) * scale))
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return text
    }

    /// About `count` round tick values (1, 2 or 5 times a power of ten) from 0 to `maximum`.
    static func ticks(upTo maximum: Double, count: Int) -> [Double] {
        guard maximum > 0, maximum.isFinite, count > 0 else { return [0] }
        let rough = maximum / Double(count)
        var power = 1.0
        while power * 10 <= rough { power *= 10 }
        while power > rough { power /= 10 }
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? power * 10
        var values: [Double] = []
        var value = 0.0
        while value <= maximum * 1.000001 {
            values.append(value)
            value += step
        }
        return values
    }

    /// A tick label without needless decimals: `0`, `0.5`, `2`, `250`.
    static func tick(_ value: Double) -> String {
        for places in 0...6 {
            let text = decimals(value, places)
            if abs((Double(text) ?? value) - value) < 1e-9 { return text }
        }
        return decimals(value, 6)
    }
}
