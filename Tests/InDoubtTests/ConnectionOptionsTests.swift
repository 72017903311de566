import InDoubt
import Testing

@Suite("Connection options become explicit libpq keywords")
struct ConnectionOptionsTests {
    func dictionary(_ options: ConnectionOptions) -> [String: String] {
        Dictionary(uniqueKeysWithValues: options.keywordValuePairs.map { ($0.keyword, $0.value) })
    }

    @Test("Every timeout-related option is set")
    func explicitTimeouts() {
        let options = ConnectionOptions(
            host: "10.213.4.10", port: 5433, user: "u", database: "d", connectTimeoutSeconds: 3,
            keepalives: .custom(idleSeconds: 2, intervalSeconds: 1, count: 4), tcpUserTimeoutMilliseconds: 1500,
            applicationName: "client-3")
        #expect(dictionary(options) == [
            "host": "10.213.4.10", "port": "5433", "user": "u", "dbname": "d", "connect_timeout": "3",
            "application_name": "client-3", "sslmode": "disable", "gssencmode": "disable",
            "keepalives": "1", "keepalives_idle": "2", "keepalives_interval": "1", "keepalives_count": "4",
            "tcp_user_timeout": "1500",
        ])
        #expect(options.summary == "u@10.213.4.10:5433/d")
    }

    @Test("connect_timeout is raised to libpq's minimum of 2 s; keepalives can be turned off")
    func clampsAndDisables() {
        let options = ConnectionOptions(host: "h", connectTimeoutSeconds: 0, keepalives: .off, tcpUserTimeoutMilliseconds: 0)
        let values = dictionary(options)
        #expect(values["connect_timeout"] == "2")
        #expect(values["keepalives"] == "0")
        #expect(values["keepalives_idle"] == nil)
        #expect(values["tcp_user_timeout"] == "0")
    }

    @Test("By default a client is an application's: libpq's TCP defaults, no user timeout, a normal close")
    func applicationByDefault() {
        let options = ConnectionOptions(host: "h")
        let values = dictionary(options)
        for keyword in ["keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout"] {
            #expect(values[keyword] == nil, "\(keyword) is set: \(values[keyword] ?? "")")
        }
        #expect(!options.resetOnAbandon)
        #expect(options.with(.hardened).with(.application) == options)
    }

    @Test("The hardened client resets what it abandons and bounds TCP's retransmissions to 2 s")
    func hardened() {
        let options = ConnectionOptions(host: "h").with(.hardened)
        let values = dictionary(options)
        #expect(values["tcp_user_timeout"] == "2000")
        #expect(values["keepalives"] == "1" && values["keepalives_idle"] == "1" && values["keepalives_count"] == "3")
        #expect(options.resetOnAbandon)
        #expect(options.cancelOnDeadline == nil && !options.trustsCommitWarnings)
    }

    @Test("The cancelling client sends a cancel request at its deadline and keeps libpq's TCP defaults; the trusting one also ignores COMMIT's warnings")
    func cancellingAndTrusting() {
        let plain = ConnectionOptions(host: "h")
        #expect(plain.cancelOnDeadline == nil && !plain.trustsCommitWarnings)
        let cancelling = plain.with(.cancelling)
        #expect(cancelling.cancelOnDeadline == ClientProfile.cancelGrace && !cancelling.trustsCommitWarnings)
        #expect(dictionary(cancelling) == dictionary(plain))
        #expect(!cancelling.resetOnAbandon)
        let trusting = plain.with(.trusting)
        #expect(trusting.cancelOnDeadline == ClientProfile.cancelGrace && trusting.trustsCommitWarnings)
        #expect(trusting.with(.application) == plain)
        #expect(plain.with(.hardened).with(.trusting).with(.cancelling) == cancelling)
    }
}

@Suite("Deadlines")
struct DeadlineTests {
    @Test("A passed deadline has no time left")
    func passed() async throws {
        let deadline = Deadline.after(.milliseconds(5))
        try await Task.sleep(for: .milliseconds(20))
        #expect(deadline.hasPassed)
        #expect(deadline.remaining == .zero)
    }

    @Test("earliest picks the sooner deadline")
    func earliest() {
        let soon = Deadline.after(.seconds(1))
        let later = Deadline.after(.seconds(10))
        #expect(soon.earliest(later) == soon)
        #expect(later.earliest(soon) == soon)
        #expect(!later.hasPassed)
        #expect(later.remaining > .seconds(9))
    }
}
