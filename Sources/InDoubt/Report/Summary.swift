/// The article-style text summary of a ``SetCheckResult``.
///
/// The first lines follow Jepsen's own report, in the article's order:
/// ```
/// 1000 total
/// 950 acknowledged
/// 952 survivors
/// 2 unacknowledged writes found! ヽ(´ー`)ノ
/// (215 218)
/// 0.95 ack rate
/// 0.0 loss rate
/// 0.002105263 unacknowledged but successful rate
/// ```
/// As in Jepsen, the "lost" and "found" lines appear only when non-empty, and a run in
/// which every write was acknowledged and read back once says `All N writes succeeded. :-D`
/// instead. ``extraLines`` then add InDoubt's own metrics, each as `N name (elements)`, and
/// end with the ``verdictLine``.
/// Element lists longer than ``ElementListFormat/defaultLimit`` are shortened; the results
/// JSON has them in full.
public struct Summary: Sendable, Equatable, CustomStringConvertible {
    /// The checker's verdict.
    public var result: SetCheckResult
    /// `false` when the history was cut short (a killed run); the summary says so.
    public var complete: Bool
    /// `false` for a run whose sessions were not fenced before resolution (`--no-fence`);
    /// the summary warns that its verdicts may precede a late COMMIT.
    public var fenced: Bool
    /// The final read's node and the failover's timing; named only for a run with a
    /// topology fault.
    public var topology: TopologyReport
    /// The workload's driver and its version, named when recorded (``RunInfo/driver``).
    public var driver: String?

    /// Creates the summary of a result.
    public init(_ result: SetCheckResult, complete: Bool = true, fenced: Bool = true, topology: TopologyReport = TopologyReport(),
                driver: String? = nil) {
        self.driver = driver
        self.result = result
        self.complete = complete
        self.fenced = fenced
        self.topology = topology
    }

    /// The warning line of an unfenced run.
    public static let unfencedWarning =
        "warning: unfenced run: the resolver did not terminate the clients' sessions first, so a COMMIT retransmitted after the heal could land after its verdict"

    /// The lines of Jepsen's report, in the article's order.
    public var articleLines: [String] {
        var lines = [
            "\(result.total) total",
            "\(result.acknowledged) acknowledged",
            "\(result.survivors) survivors",
        ]
        if allSucceeded {
            lines.append("All \(result.total) writes succeeded. :-D")
        } else {
            if !result.lost.isEmpty {
                lines.append("\(result.lost.count) acknowledged writes lost! (╯°□°）╯︵ ┻━┻")
                lines.append(ElementListFormat.string(result.lost))
            }
            if !result.unacknowledgedFound.isEmpty {
                lines.append(
                    "\(result.unacknowledgedFound.count) unacknowledged writes found! ヽ(´ー`)ノ")
                lines.append(ElementListFormat.string(result.unacknowledgedFound))
            }
            if !result.readThenLost.isEmpty {
                lines.append("\(result.readThenLost.count) writes read, then lost!")
                lines.append(ElementListFormat.string(result.readThenLost))
            }
        }
        lines.append("\(RateFormat.string(result.ackRate)) ack rate")
        lines.append("\(RateFormat.string(result.lossRate)) loss rate")
        lines.append(
            "\(RateFormat.string(result.unacknowledgedSuccessRate)) unacknowledged but successful rate")
        return lines
    }

    /// InDoubt's metrics beyond the article's, plus warnings about the run itself.
    public var extraLines: [String] {
        var lines: [String] = []
        if !result.hasFinalRead {
            lines.append("no final read: survivors, lost and found writes are unknown")
        }
        if !complete {
            lines.append("incomplete history: the run was interrupted")
        }
        if !fenced {
            lines.append(Self.unfencedWarning)
        }
        if let driver {
            lines.append("driver: \(driver)")
        }
        lines.append(Self.line(result.lost, "lost"))
        lines.append(Self.line(result.unexpected, "unexpected"))
        lines.append(Self.line(result.duplicates, "duplicates"))
        lines.append(Self.line(result.indeterminate, "indeterminate"))
        lines.append(Self.line(result.unresolved, "unresolved"))
        lines.append(Self.line(result.misresolved, "misresolved"))
        if !result.readThenLost.isEmpty {
            lines.append(Self.line(result.readThenLost, "read, then lost"))
        }
        if !result.failedButPresent.isEmpty {
            lines.append(
                Self.line(result.failedButPresent, "failed but present (a client classification bug)"))
        }
        lines += topology.lines
        lines.append(verdictLine)
        return lines
    }

    /// The last line: `invariants hold`, or `invariants violated: ` and every reason, so a
    /// reader of a failed CI run sees why it failed without opening results.json.
    public var verdictLine: String {
        result.invariantsHold ? "invariants hold" : "invariants violated: " + result.invariantViolations.joined(separator: "; ")
    }

    /// Every line: ``articleLines`` then ``extraLines``.
    public var lines: [String] { articleLines + extraLines }

    /// The summary as text, one line each, ending with a newline.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// Same as ``text``.
    public var description: String { text }

    /// Everything attempted was acknowledged and read back exactly once, nothing else.
    private var allSucceeded: Bool {
        result.hasFinalRead && result.total > 0 && result.acknowledged == result.total
            && result.lost.isEmpty && result.unacknowledgedFound.isEmpty
            && result.unexpected.isEmpty && result.duplicates.isEmpty
            && result.survivors == result.total
    }

    private static func line<T: CustomStringConvertible>(_ elements: [T], _ name: String) -> String {
        elements.isEmpty
            ? "0 \(name)" : "\(elements.count) \(name) \(ElementListFormat.string(elements))"
    }
}
