import Foundation

/// A run's folder: Jepsen's store. Every file a run, a re-check or a recovery writes has
/// its name here. The one writer of the analysis (results.json, summary.txt,
/// timeline.html), ``store(results:summary:timeline:result:options:)``, is in
/// `Report/RunFolder+Analysis.swift`: it needs the report's types, which sit above Store.
public struct RunFolder: Sendable, Hashable {
    /// The history, one operation per line, written through as the run goes.
    public static let historyFileName = "history.jsonl"
    /// The metrics and what the run was.
    public static let resultsFileName = "results.json"
    /// The article-style summary.
    public static let summaryFileName = "summary.txt"
    /// The HTML timeline.
    public static let timelineFileName = "timeline.html"
    /// The `ledger` strategy's intent log.
    public static let intentLogFileName = "intents.jsonl"
    /// The description of a node kept by `indoubt serve`, for `indoubt resolve`.
    public static let serverDescriptionFileName = "server.json"
    /// What `indoubt resolve` decided.
    public static let resolutionFileName = "resolution.json"
    /// The report files, in the order a claim attaches them.
    public static let reportFileNames = [resultsFileName, summaryFileName, timelineFileName, historyFileName]

    /// The server log of node `name` (`server-n1.log`).
    public static func serverLogFileName(node name: String) -> String { "server-\(name).log" }

    /// The folder.
    public var url: URL

    /// The run folder at `url`.
    public init(_ url: URL) {
        self.url = url
    }

    /// `history.jsonl`.
    public var history: URL { url.appendingPathComponent(Self.historyFileName) }
    /// `results.json`.
    public var results: URL { url.appendingPathComponent(Self.resultsFileName) }
    /// `summary.txt`.
    public var summary: URL { url.appendingPathComponent(Self.summaryFileName) }
    /// `timeline.html`.
    public var timeline: URL { url.appendingPathComponent(Self.timelineFileName) }
    /// `intents.jsonl`.
    public var intentLog: URL { url.appendingPathComponent(Self.intentLogFileName) }
    /// `server.json`.
    public var serverDescription: URL { url.appendingPathComponent(Self.serverDescriptionFileName) }
    /// `resolution.json`.
    public var resolution: URL { url.appendingPathComponent(Self.resolutionFileName) }
    /// `server-NODE.log`.
    public func serverLog(node name: String) -> URL { url.appendingPathComponent(Self.serverLogFileName(node: name)) }
}
