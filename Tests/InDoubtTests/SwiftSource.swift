/// The identifiers of one Swift file, as far as a check of its references needs them:
/// comments and the text of string literals are left out (interpolations are kept), and
/// each identifier knows its brace depth and whether a `.` comes before it.
///
/// Not a parser: enough to tell which type names a file declares and which it uses.
struct SwiftSource {
    /// One identifier.
    struct Word: Equatable {
        var text: String
        /// How many `{` enclose it: 0 at the top level of the file.
        var depth: Int
        /// The character before it, spaces aside.
        var previous: UInt8

        /// `Command.Invocation`'s `Invocation`: a member, not a name looked up on its own.
        var afterDot: Bool { previous == UInt8(ascii: ".") }
    }

    /// A declaration: `struct X`, `enum X`, …, or `extension X`.
    struct Declaration: Equatable {
        var keyword: String
        var name: String
        var depth: Int
    }

    static let declarationKeywords: Set = ["struct", "enum", "class", "protocol", "actor", "typealias", "extension"]

    private(set) var words: [Word] = []
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private var lastSignificant: UInt8 = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
        code(untilClosingParenthesis: false)
    }

    /// Every declaration, in order. `class func` and the like are not declarations.
    var declarations: [Declaration] {
        zip(words, words.dropFirst()).compactMap { keyword, name in
            // `struct X`, with nothing but spaces between (not `class: X`, not `X.struct`).
            guard Self.declarationKeywords.contains(keyword.text), !keyword.afterDot,
                  Self.isIdentifierPart(name.previous),
                  let first = name.text.unicodeScalars.first, first.properties.isUppercase else { return nil }
            return Declaration(keyword: keyword.text, name: name.text, depth: keyword.depth)
        }
    }

    // MARK: - Lexing

    private func byte(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_")
    }

    private static func isIdentifierPart(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    /// Code up to the end of the file, or up to the `)` that closes an interpolation.
    private mutating func code(untilClosingParenthesis: Bool) {
        var parentheses = 0
        while let c = byte() {
            switch c {
            case UInt8(ascii: "/") where byte(1) == UInt8(ascii: "/"):
                while let c = byte(), c != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where byte(1) == UInt8(ascii: "*"):
                blockComment()
            case UInt8(ascii: "\"") where rawStringHashes() != nil, UInt8(ascii: "#") where rawStringHashes() != nil:
                stringLiteral()
            case UInt8(ascii: "{"):
                depth += 1; index += 1
            case UInt8(ascii: "}"):
                depth -= 1; index += 1
            case UInt8(ascii: "(") where untilClosingParenthesis:
                parentheses += 1; index += 1
            case UInt8(ascii: ")") where untilClosingParenthesis:
                index += 1
                if parentheses == 0 { return }
                parentheses -= 1
            case _ where Self.isIdentifierStart(c):
                let start = index
                while let c = byte(), Self.isIdentifierPart(c) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                words.append(Word(text: text, depth: depth, previous: lastSignificant))
                lastSignificant = bytes[index - 1]
                continue
            case _ where Self.isIdentifierPart(c):
                while let c = byte(), Self.isIdentifierPart(c) { index += 1 }  // 42, 1e9, 0x1F
            default:
                index += 1
            }
            if c != UInt8(ascii: " "), c != UInt8(ascii: "\n"), c != UInt8(ascii: "\t") { lastSignificant = c }
        }
    }

    /// Block comments nest in Swift.
    private mutating func blockComment() {
        var level = 0
        while byte() != nil {
            if byte() == UInt8(ascii: "/"), byte(1) == UInt8(ascii: "*") {
                level += 1; index += 2
            } else if byte() == UInt8(ascii: "*"), byte(1) == UInt8(ascii: "/") {
                level -= 1; index += 2
                if level == 0 { return }
            } else {
                index += 1
            }
        }
    }

    /// At `#…#"` or `"`: how many `#` open the literal; `nil` for `#if` and the like.
    private func rawStringHashes() -> Int? {
        var hashes = 0
        while byte(hashes) == UInt8(ascii: "#") { hashes += 1 }
        return byte(hashes) == UInt8(ascii: "\"") ? hashes : nil
    }

    /// A string literal, single- or multi-line, raw or not; interpolations are lexed as code.
    private mutating func stringLiteral() {
        guard let hashes = rawStringHashes() else { return }
        index += hashes
        let quotes = byte(1) == UInt8(ascii: "\"") && byte(2) == UInt8(ascii: "\"") ? 3 : 1
        index += quotes
        while let c = byte() {
            if c == UInt8(ascii: "\\"), (0..<hashes).allSatisfy({ byte(1 + $0) == UInt8(ascii: "#") }) {
                index += 1 + hashes
                if byte() == UInt8(ascii: "(") {
                    index += 1
                    code(untilClosingParenthesis: true)
                } else {
                    index += 1  // the escaped character
                }
            } else if c == UInt8(ascii: "\""), (0..<quotes).allSatisfy({ byte($0) == UInt8(ascii: "\"") }),
                      (0..<hashes).allSatisfy({ byte(quotes + $0) == UInt8(ascii: "#") }) {
                index += quotes + hashes
                lastSignificant = UInt8(ascii: "\"")
                return
            } else {
                index += 1
            }
        }
    }
}
