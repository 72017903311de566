/// Encodes a ``HistoryOperation`` as one JSON line: the bytes `JSONEncoder` with sorted keys
/// and unescaped slashes would write (nil fields left out), several times faster. The
/// history is written on every write's hot path, where `JSONEncoder` cost as much as a
/// round trip to the server.
enum HistoryLineEncoder {
    /// The JSON object for `operation`, without the newline.
    static func encode(_ operation: HistoryOperation) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        var first = true
        func key(_ name: StaticString) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            // The keys are plain ASCII: nothing to escape.
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        func string(_ text: String) {
            out.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
                case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        // Digits straight into the line: `String(value)` cost two allocations a number.
        func number(_ value: Int64) {
            if value < 0 { out.append(UInt8(ascii: "-")) }
            var rest = value.magnitude
            let start = out.count
            repeat {
                let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
                out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: digit))
                rest = quotient
            } while rest > 0
            out[start...].reverse()
        }
        func array<T>(_ items: [T], _ element: (T) -> Void) {
            out.append(UInt8(ascii: "["))
            for (position, item) in items.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                element(item)
            }
            out.append(UInt8(ascii: "]"))
        }

        if let attempt = operation.attempt { key("attempt"); number(Int64(attempt)) }
        if let error = operation.error { key("error"); string(error) }
        if let evidence = operation.evidence { key("evidence"); string(evidence) }
        key("f"); string(operation.f.rawValue)
        if let fault = operation.fault { key("fault"); string(fault) }
        key("index"); number(Int64(operation.index))
        if let node = operation.node { key("node"); string(node) }
        if let nodes = operation.nodes { key("nodes"); array(nodes, string) }
        key("process")
        switch operation.process {
        case .client(let client): number(Int64(client))
        case .nemesis: string("nemesis")
        }
        if let promotion = operation.promotion { key("promotion"); number(promotion) }
        if let resolution = operation.resolution { key("resolution"); string(resolution.rawValue) }
        key("time"); number(operation.time)
        key("type"); string(operation.type.rawValue)
        if let value = operation.value { key("value"); number(Int64(value)) }
        if let values = operation.values { key("values"); array(values) { number(Int64($0)) } }
        if let warning = operation.warning { key("warning"); string(warning) }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
