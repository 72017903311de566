import Foundation
import InDoubt
import InDoubtTesting
import Testing

/// Renders a generated `timeline.html` in headless Chromium (offline) and checks that it
/// drew: a non-blank screenshot with the outcome and fault colours in it, and in the DOM
/// the browser built, one lane per client and the fault band; and for a replicated run, a
/// lane per node.
///
/// Needs `chromium` and `python3`, whose zlib inflates the PNG (`bash ci/install-chromium.sh`). Without them the test
/// is skipped with the reason, or fails when `INDOUBT_REQUIRE_FAULTS=1` (as in CI).
/// `INDOUBT_SCREENSHOT_DIR=FOLDER` keeps the screenshot there.
@Suite("Timeline in a browser")
struct TimelineBrowserTests {
    @Test("headless Chromium draws the lanes, the bars and the fault band")
    func rendersInChromium() async throws {
        let (operations, survivor) = SyntheticRun.make()
        let result = SetChecker.check(operations)
        #expect(result.unacknowledgedFound == [survivor])
        #expect(result.lost == [SyntheticRun.lost])
        let (screenshot, pixels, dom) = try await Self.render(operations, result: result, fault: SyntheticRun.fault,
                                                              height: 1300, named: "timeline.png")
        if let keep = ProcessInfo.processInfo.environment["INDOUBT_SCREENSHOT_DIR"], !keep.isEmpty {
            let target = URL(fileURLWithPath: keep).appendingPathComponent("timeline.png")
            try? FileManager.default.removeItem(at: target)
            try screenshot.write(to: target)
        }

        // Pixels: a non-blank page with the outcomes', the fault's and the survivor's colours.
        #expect(pixels.width == 1280)
        #expect(pixels.height == 1300)
        let total = pixels.width * pixels.height
        #expect(pixels.nonWhite > total / 10, "only \(pixels.nonWhite) of \(total) pixels are not white: the page looks blank")
        func pixelCount(_ hex: String) -> Int { pixels.count(near: PNGPixels.Color(hex: hex)) }
        #expect(pixelCount("#2e9e5b") > 5_000, "few acknowledged-green pixels")
        #expect(pixelCount("#d64541") > 1_000, "few failed-red pixels")
        #expect(pixelCount("#f29d12") > 1_000, "few indeterminate-amber pixels")
        #expect(pixelCount("#f4b6b2") > 1_000, "the fault band's colour is missing")
        #expect(pixelCount("#7b2cbf") > 20, "the survivor's purple marker is missing")

        // DOM: what the browser parsed.
        func count(_ needle: String) -> Int { dom.components(separatedBy: needle).count - 1 }
        #expect(count("class=\"lane\"") == SyntheticRun.clients)
        #expect(count("<rect class=\"bar ") == SyntheticRun.clients * SyntheticRun.writesPerClient)
        #expect(count("class=\"fault-band\"") == 1)
        #expect(dom.contains("data-fault=\"partition\""))
        #expect(dom.contains("<g class=\"marker unack\" data-element=\"\(survivor)\">"))
        #expect(dom.contains("<g class=\"marker lost\" data-element=\"\(SyntheticRun.lost)\">"))
        #expect(dom.contains("<table id=\"summary\">"))
    }

    @Test("headless Chromium draws a lane per node on a replicated run: the primary's strip, the cut on both nodes, the failover's marks")
    func rendersNodeLanesInChromium() async throws {
        let (operations, _) = SyntheticRun.makeReplicated()
        let (_, pixels, dom) = try await Self.render(operations, result: SetChecker.check(operations), fault: "replication-cut+failover",
                                                     height: 800, named: "timeline-nodes.png")
        // The primary's blue strip, n1's then n2's, and the fence's grey.
        #expect(pixels.count(near: PNGPixels.Color(hex: "#1d4ed8")) > 2_000, "the primary's strip is missing")

        func count(_ needle: String) -> Int { dom.components(separatedBy: needle).count - 1 }
        #expect(count("class=\"node-lane\"") == 2)
        #expect(dom.contains("<g class=\"node-lane\" id=\"node-n1\" data-node=\"n1\">"))
        #expect(dom.contains("<g class=\"node-lane\" id=\"node-n2\" data-node=\"n2\">"))
        #expect(count("<rect class=\"node-primary\"") == 2)
        #expect(count("data-state=\"cut\" data-fault=\"replication-cut\"") == 2)
        #expect(count("<g class=\"node-window fenced\"") == 1)
        #expect(dom.contains("<g class=\"node-marker promoted\" data-node=\"n2\">"))
        #expect(dom.contains("<g class=\"node-marker fenced\" data-node=\"n1\">"))
        #expect(count("class=\"lane\"") == SyntheticRun.clients, "the client lanes are still there")
    }

    /// Writes the timeline page of `operations` into a temporary folder, has Chromium take a
    /// 1280-pixel-wide screenshot (attached as `name`) and dump the DOM it built; removes the
    /// folder. Returns the screenshot's bytes, its pixels and the DOM.
    static func render(_ operations: [HistoryOperation], result: SetCheckResult, fault: String, height: Int,
                       named name: String) async throws -> (screenshot: Data, pixels: PNGPixels, dom: String) {
        let (browser, python) = try requireTools()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("indoubt-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let info = RunInfo(postgresVersion: "synthetic", backend: "none", fault: fault, strategy: "naive",
                           clients: SyntheticRun.clients, durationSeconds: 3)
        let page = try TimelineReport.write(
            operations: operations, result: result, results: RunResults(result: result, run: info), to: folder)
        let screenshot = folder.appendingPathComponent("timeline.png")
        let profile = folder.appendingPathComponent("profile")
        _ = try await chromium(browser, profile: profile,
                               ["--window-size=1280,\(height)", "--screenshot=\(screenshot.path)", page.absoluteString])
        let png = try Data(contentsOf: screenshot)
        Attachment.record(Array(png), named: name)
        let pixels = try await PNGPixels(file: screenshot, python: python)
        let dom = try await chromium(browser, profile: profile, ["--dump-dom", page.absoluteString])
        return (png, pixels, dom)
    }

    /// The browser and python3, or a skip (a failure with `INDOUBT_REQUIRE_FAULTS=1`).
    static func requireTools() throws -> (chromium: String, python: String) {
        let override = ProcessInfo.processInfo.environment["INDOUBT_CHROMIUM"].flatMap { $0.isEmpty ? nil : $0 }
        let browser = (override.map { [$0] } ?? ["chromium", "chromium-browser", "google-chrome"])
            .lazy.compactMap { Command.find($0)?.path }.first
        let python = Command.find("python3")?.path
        var missing: [String] = []
        if browser == nil { missing.append("chromium is not installed (or set INDOUBT_CHROMIUM)") }
        if python == nil { missing.append("python3 is not installed") }
        if let browser, let python { return (browser, python) }
        let reason = "the browser test cannot run here: " + missing.joined(separator: "; ")
            + ". Run `bash ci/install-chromium.sh` as root."
        if FaultEnvironment.isRequired {
            throw MissingPrerequisite(description: reason + " (INDOUBT_REQUIRE_FAULTS=1 makes this a failure)")
        }
        try Test.cancel(Comment(rawValue: reason))
    }

    /// Runs headless Chromium offline (no network, no first-run work, no crash reports),
    /// bounded in time, with its home and profile in `profile` so it leaves nothing in the
    /// user's; returns its standard output.
    static func chromium(_ browser: String, profile: URL, _ arguments: [String]) async throws -> String {
        let home = [
            "HOME=\(profile.path)", "XDG_CONFIG_HOME=\(profile.path)/config", "XDG_CACHE_HOME=\(profile.path)/cache",
        ]
        let flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
            "--disable-breakpad", "--disable-crash-reporter",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
            "--user-data-dir=\(profile.path)",
        ]
        let output = try await Command.run(
            ["env"] + home + ["timeout", "--kill-after=5", "90", browser] + flags + arguments, check: false)
        guard output.status == 0 else {
            throw BrowserError(description: "chromium \(arguments.joined(separator: " ")) exited with status "
                + "\(output.status)\(output.status == 124 ? " (timed out after 90 s)" : ""): \(output.stderr)")
        }
        return output.stdout
    }
}

/// Chromium failed to render the page.
struct BrowserError: Error, CustomStringConvertible {
    var description: String
}
