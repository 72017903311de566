import Testing
@testable import InDoubt

@Suite("Rate and element list formatting")
struct RateFormatTests {
    @Test("the article's rates", arguments: [
        (0.95, "0.95"), (0.0, "0.0"), (2.0 / 950.0, "0.002105263"), (1.0, "1.0"),
        (0.5, "0.5"), (1.0 / 3.0, "0.333333333"), (2.0 / 3.0, "0.666666667"),
        (0.0000000004, "0.0"), (0.0000000006, "0.000000001"), (2.5, "2.5"), (-0.0, "0.0"),
    ])
    func rates(rate: Double, text: String) {
        #expect(RateFormat.string(rate) == text)
    }

    @Test("no denominator prints n/a")
    func notApplicable() {
        #expect(RateFormat.string(nil) == "n/a")
        #expect(RateFormat.string(.nan) == "n/a")
        #expect(RateFormat.string(.infinity) == "n/a")
    }

    @Test("element lists look like Jepsen's sets and are shortened past the limit")
    func elementLists() {
        #expect(ElementListFormat.string([215, 218]) == "(215 218)")
        #expect(ElementListFormat.string([Int]()) == "()")
        #expect(ElementListFormat.string(Array(1...5), limit: 3) == "(1 2 3 … and 2 more)")
        #expect(ElementListFormat.string(Array(1...5), limit: 0) == "(… and 5 more)")
        #expect(ElementListFormat.string([DuplicateElement(element: 7, count: 2)]) == "(7×2)")
    }
}
