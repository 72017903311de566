import Foundation

/// A failure of an external command (`ip`, `iptables`, `tc`, `initdb`, ...), with what it said.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    /// The command line that failed.
    public var arguments: [String]
    /// Its exit status, or `nil` if it could not be started.
    public var status: Int32?
    /// What it wrote to standard error (or why it could not start).
    public var stderr: String

    public var description: String {
        let line = arguments.joined(separator: " ")
        guard let status else { return "could not run `\(line)`: \(stderr)" }
        let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return "`\(line)` exited with status \(status)" + (said.isEmpty ? "" : ": \(said)")
    }
}

/// Runs external programs and collects their output.
public enum Command {
    /// The result of a finished command.
    public struct Output: Sendable {
        /// Exit status.
        public var status: Int32
        /// Standard output.
        public var stdout: String
        /// Standard error.
        public var stderr: String
        /// The process id it ran as: a program that execs another (`env`, `setpriv`,
        /// `unshare`, `sh -c 'exec …'`) hands it on, so a test can look for what that pid left.
        public var pid: Int32
    }

    /// Runs `arguments` (the first is the program, found on `PATH`) and returns its output;
    /// throws ``CommandError`` when it cannot start or, with `check`, exits non-zero.
    @discardableResult
    public static func run(_ arguments: [String], check: Bool = true, input: String? = nil) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Blocking.queue.async {
                continuation.resume(with: Result { try runBlocking(arguments, check: check, input: input) })
            }
        }
    }

    /// The blocking form of ``run(_:check:input:)``, for signal handlers and `deinit`s.
    @discardableResult
    public static func runBlocking(_ arguments: [String], check: Bool = true, input: String? = nil) throws -> Output {
        guard let program = arguments.first, let executable = find(program) else {
            throw CommandError(arguments: arguments, status: nil, stderr: "`\(arguments.first ?? "")` is not installed or not on PATH")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = Array(arguments.dropFirst())
        // The pipes are made under the spawn lock too (see ``launch(_:)``): made outside it,
        // they could leak into a server being spawned, which would keep them open for good.
        let (stdout, stderr, stdin): (Pipe, Pipe, Pipe)
        do {
            (stdout, stderr, stdin) = try spawnLock.withLock {
                let pipes = (Pipe(), Pipe(), Pipe())
                process.standardOutput = pipes.0
                process.standardError = pipes.1
                process.standardInput = input == nil ? FileHandle.nullDevice : pipes.2
                try process.run()
                return pipes
            }
        } catch {
            throw CommandError(arguments: arguments, status: nil, stderr: String(describing: error))
        }
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so that neither can fill up and stall the child. The
        // second reader gets a thread of its own: this call already holds one of the dispatch
        // pool's threads, and with the pool full of such calls a reader queued there would
        // never run (seen: a claims run hung with every worker thread waiting).
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var errorData = Data()
        let errorReader = stderr.fileHandleForReading
        Thread.detachNewThread {
            errorData = errorReader.readDataToEndOfFile()
            done.signal()
        }
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        let output = Output(
            status: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData, as: UTF8.self),
            pid: process.processIdentifier)
        if check && output.status != 0 {
            throw CommandError(arguments: arguments, status: output.status, stderr: output.stderr)
        }
        return output
    }

    /// Starts `process`, so that it inherits no descriptor of another child of this process.
    ///
    /// On Linux, Foundation's `Process` closes the parent's descriptors in the child by
    /// listing them just before `posix_spawn`: a pipe, or the socket `Process` watches for a
    /// child's exit, that another thread makes in between is inherited. A long-lived child
    /// (a server) that inherits a command's pipe or exit socket keeps that command waited
    /// for until the server itself exits. Every spawn of this process goes through this
    /// lock, so nothing is made between another spawn's listing and its `posix_spawn`.
    public static func launch(_ process: Process) throws {
        try spawnLock.withLock { try process.run() }
    }

    /// Held while a child is spawned, and while what it will inherit is made (see ``launch(_:)``).
    static let spawnLock = NSLock()

    /// The full path of `program` on `PATH` (plus the sbin folders, which root's PATH may lack).
    public static func find(_ program: String) -> URL? {
        if program.contains("/") {
            return FileManager.default.isExecutableFile(atPath: program) ? URL(fileURLWithPath: program) : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for folder in folders {
            let candidate = folder + "/" + program
            if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        return nil
    }
}
