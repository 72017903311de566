import InDoubt

extension ClaimContext {
    /// The writes the history acknowledged that the table lacks, computed from history.jsonl
    /// and the table without the checker. Records a failure unless some were lost, and unless
    /// the checker's `lost`, results.json's `lost` and `lost_elements`, and the loss rate all
    /// say the same; and unless the invariants are broken, as lost writes break them.
    /// - Parameter run: The claim's run.
    /// - Parameter why: What it means that nothing was lost, for the failure message.
    /// - Parameter fileID: Where a failure is recorded (the caller's, by default).
    /// - Parameter filePath: Where a failure is recorded.
    /// - Parameter line: Where a failure is recorded.
    /// - Parameter column: Where a failure is recorded.
    /// - Returns: The lost elements, sorted.
    @discardableResult
    public func expectLostAsTheTableSays(
        _ run: ClaimRun, _ why: @autoclosure () -> String = "no acknowledged write is missing from the table",
        fileID: String = #fileID, filePath: StaticString = #filePath, line: UInt = #line, column: UInt = #column
    ) -> [Int] {
        let lost = run.acknowledgedInHistory.subtracting(run.tableElements).sorted()
        let result = run.result
        expect(!lost.isEmpty, why(), fileID: fileID, filePath: filePath, line: line, column: column)
        expectEqual(result.lost, lost, "the checker's lost", fileID: fileID, filePath: filePath, line: line, column: column)
        expectEqual(run.outcome.results.lost, lost.count, "results.json's lost",
                    fileID: fileID, filePath: filePath, line: line, column: column)
        expectEqual(run.outcome.results.lostElements, lost, "results.json's lost_elements",
                    fileID: fileID, filePath: filePath, line: line, column: column)
        expectEqual(result.lossRate, result.acknowledged > 0 ? Double(lost.count) / Double(result.acknowledged) : 0, "the loss rate",
                    fileID: fileID, filePath: filePath, line: line, column: column)
        expect(!result.invariantsHold, "a run that lost acknowledged writes kept the invariants",
               fileID: fileID, filePath: filePath, line: line, column: column)
        return lost
    }
}
