extension HistoryOperation {
    /// This operation of a version-1 history (see ``HistoryFormat``) as version 2 says
    /// it: the one `error` text moved to the field that names its job, by the operation.
    ///
    /// - `start-fault`, `stop-fault`: the fault's name, in ``fault``. A `.fail` one held
    ///   `<fault>: <error>` (a fault's name holds no `": "`): split into both.
    /// - `.resolve`: the verdict's evidence, in ``evidence``; a `.fail` one (the resolver
    ///   failed) keeps its ``error``.
    /// - `.add` `.ok`: a warning that came with the acknowledgement, in ``warning``.
    /// - Anything else (`.add` `.fail`/`.info`, a `.read` `.fail`): an ``error``.
    func upgradedFromVersion1() -> HistoryOperation {
        guard let text = error else { return self }
        var upgraded = self
        switch (f, type) {
        case (.startFault, .fail), (.stopFault, .fail):
            if let separator = text.range(of: ": ") {
                upgraded.fault = String(text[..<separator.lowerBound])
                upgraded.error = String(text[separator.upperBound...])
            } else {
                upgraded.fault = text
                upgraded.error = nil
            }
        case (.startFault, _), (.stopFault, _):
            upgraded.fault = text
            upgraded.error = nil
        case (.resolve, .fail):
            break
        case (.resolve, _):
            upgraded.evidence = text
            upgraded.error = nil
        case (.add, .ok):
            upgraded.warning = text
            upgraded.error = nil
        default:
            break
        }
        return upgraded
    }
}
