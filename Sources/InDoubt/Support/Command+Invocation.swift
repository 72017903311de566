extension Command {
    /// A command line plus optional standard input, to run later (somewhere else).
    public struct Invocation: Sendable, Hashable, CustomStringConvertible {
        /// Program and arguments.
        public var arguments: [String]
        /// Text for standard input, if any.
        public var input: String?

        /// Creates an invocation.
        public init(_ arguments: [String], input: String? = nil) {
            self.arguments = arguments
            self.input = input
        }

        public var description: String {
            arguments.joined(separator: " ") + (input.map { " <<< \($0.replacingOccurrences(of: "\n", with: "; "))" } ?? "")
        }

        /// A POSIX shell script that runs `invocations` in order, each with its input as a
        /// quoted here-document.
        public static func script(_ invocations: [Invocation]) -> String {
            invocations.map { invocation in
                let line = invocation.arguments.map(shellQuoted).joined(separator: " ")
                guard let input = invocation.input else { return line + "\n" }
                let body = input.hasSuffix("\n") ? input : input + "\n"
                return line + " <<'INDOUBT_EOF'\n" + body + "INDOUBT_EOF\n"
            }.joined()
        }

        /// `word` in single quotes, safe for any shell.
        static func shellQuoted(_ word: String) -> String {
            let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+".contains($0) }
            return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
    }
}
